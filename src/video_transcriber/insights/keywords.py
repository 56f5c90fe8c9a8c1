"""Keyword and phrase matching: case-insensitive, whole words, tolerant of what sits between words.

`phrase_pattern("exam")` matches "Exam," and "EXAM" but not "examine"; case and accents are
folded (`languages.folding.loose_pattern`), so "prufung" matches "Prüfung" and "élève" "ELEVE";
`phrase_pattern("machine learning")` also matches "machine, learning" and "machine\\nlearning",
because a phrase is its words with any run of non-word characters between them. Apostrophes
split words, so "don't" matches the typographic apostrophe too. Scripts written without spaces
(Chinese, Japanese) have no word edges to check, so their keywords match as substrings.

The same pattern is used for emphasis phrases and by the HTML writer to highlight mentions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from video_transcriber.insights.model import KeywordMention, KeywordSummary
from video_transcriber.insights.sentences import Sentence, sentence_at
from video_transcriber.insights.stream import TextStream
from video_transcriber.languages.folding import loose_pattern


def _is_unspaced_script(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F") and character.isalpha()


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A compiled matcher for `phrase`, or None when it has no word characters."""
    tokens = re.findall(r"\w+", unicodedata.normalize("NFC", phrase))
    if not tokens:
        return None
    body = r"\W+".join(loose_pattern(token) for token in tokens)
    if any(_is_unspaced_script(c) for c in phrase):
        return re.compile(body, re.IGNORECASE)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def unique_phrases(phrases: Iterable[str]) -> list[str]:
    """Non-blank phrases, stripped, first spelling kept when two differ only in case."""
    seen: set[str] = set()
    kept: list[str] = []
    for phrase in phrases:
        cleaned = " ".join(phrase.split())
        key = cleaned.casefold()
        if cleaned and key not in seen:
            seen.add(key)
            kept.append(cleaned)
    return kept


def find_mentions(
    stream: TextStream, sentences: Sequence[Sentence], keyword: str
) -> tuple[KeywordMention, ...]:
    """Every mention of `keyword` in the stream, in time order."""
    pattern = phrase_pattern(keyword)
    if pattern is None or not stream.text:
        return ()
    mentions = []
    for match in pattern.finditer(stream.text):
        sentence = sentence_at(sentences, match.start())
        mentions.append(
            KeywordMention(
                keyword=keyword,
                start=stream.start_time(match.start()),
                end=stream.end_time(match.end() - 1),
                sentence=sentence.text if sentence else match.group(),
                segment_index=stream.segment_at(match.start()),
            )
        )
    return tuple(mentions)


def summarize_keywords(
    stream: TextStream, sentences: Sequence[Sentence], keywords: Iterable[str]
) -> tuple[KeywordSummary, ...]:
    """One summary per distinct keyword, in the order given, including those never mentioned.

    Keywords with no word characters at all ("!!") cannot be matched and are left out.
    """
    summaries = []
    for keyword in unique_phrases(keywords):
        if phrase_pattern(keyword) is None:
            continue
        mentions = find_mentions(stream, sentences, keyword)
        summaries.append(KeywordSummary(keyword=keyword, count=len(mentions), mentions=mentions))
    return tuple(summaries)
