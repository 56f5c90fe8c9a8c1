"""A lecture's key terms, and for each the sentence where it is first explained.

Terms are YAKE key phrases of the whole transcript that the lecturer says more than once (a
phrase said once is rarely a term of the subject; a short talk falls back to phrases said once).
"Where it is first explained" is the first sentence that reads like a definition of the term —
"X is/are/means/refers to …", "… called/known as/defined as X", "by X we mean" — and, when no
sentence does, the first sentence that mentions it, marked as a mention so the reader knows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from video_transcriber.insights.keywords import phrase_pattern
from video_transcriber.insights.sentences import Sentence
from video_transcriber.study.keyphrases import key_phrases

_AFTER = re.compile(
    r"^\W*(?:is|are|was|were|means?|meant|refers? to|describes?|stands? for|denotes?)\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(?:called|known as|defined as|termed|named|by|the term|the word|the idea of)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """A key term, how often it is said, and where it is first explained (or first said)."""

    term: str
    mentions: int
    first_mention: float
    explained_at: float
    sentence: str
    """The explaining (or first mentioning) sentence."""
    how: Literal["definition", "first mention"]


def key_terms(
    sentences: Sequence[Sentence],
    *,
    count: int,
    language: str = "en",
    candidates: Sequence[str] | None = None,
) -> list[KeyTerm]:
    """Up to `count` key terms, most characteristic first; `candidates`: the transcript's key
    phrases, best first, when the caller has them already (YAKE is the costly part)."""
    if candidates is None:
        text = " ".join(sentence.text for sentence in sentences)
        candidates = key_phrases(text, top=count * 3, language=language)
    found = [term for term in (_locate(phrase, sentences) for phrase in candidates) if term]
    repeated = [term for term in found if term.mentions > 1]
    chosen = repeated if len(repeated) >= min(count, 3) else found
    return chosen[:count]


def _locate(phrase: str, sentences: Sequence[Sentence]) -> KeyTerm | None:
    pattern = phrase_pattern(phrase)
    if pattern is None:
        return None
    hits = [
        (sentence, match) for sentence in sentences for match in pattern.finditer(sentence.text)
    ]
    if not hits:
        return None
    first, _ = hits[0]
    explaining = next(
        (sentence for sentence, match in hits if _defines(sentence.text, match)), None
    )
    chosen = explaining or first
    return KeyTerm(
        term=phrase,
        mentions=len(hits),
        first_mention=first.start,
        explained_at=chosen.start,
        sentence=chosen.text,
        how="definition" if explaining else "first mention",
    )


def _defines(text: str, match: re.Match[str]) -> bool:
    after = text[match.end() :]
    before = text[: match.start()]
    return bool(_AFTER.match(after)) or bool(_BEFORE.search(before))
