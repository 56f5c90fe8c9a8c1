"""Key phrases of a text: the only module that imports `yake` (unsupervised, no model, no download).

YAKE scores each 1-3 word candidate from statistics of the text itself (position, frequency,
spread, case), lower is better. Phrases are returned best first, without near-duplicates: one
that is another's plural or is contained in a better one is dropped, so a title does not read
"movable type, movable types".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from video_transcriber.errors import ModelError

MAX_WORDS = 3
"""Longest candidate phrase, in words."""


@lru_cache(maxsize=8)
def _extractor(language: str, top: int) -> Any:
    try:
        import yake
    except ImportError as error:
        raise ModelError(
            "The key-phrase extractor (yake) is not installed; run `make install`, or set "
            "VT_STUDY__ENABLED=false to run without study tools."
        ) from error
    return yake.KeywordExtractor(lan=language, n=MAX_WORDS, dedupLim=0.8, top=top)


def key_phrases(text: str, *, top: int = 10, language: str = "en") -> list[str]:
    """Up to `top` key phrases of `text`, best first, deduplicated."""
    if not text.strip():
        return []
    found = _extractor(language[:2] or "en", top * 3).extract_keywords(text)
    kept: list[str] = []
    for phrase, _score in found:
        cleaned = " ".join(phrase.split())
        if _is_useful(cleaned) and not any(_overlaps(cleaned, other) for other in kept):
            kept.append(cleaned)
        if len(kept) == top:
            break
    return kept


def _is_useful(phrase: str) -> bool:
    words = re.findall(r"\w+", phrase)
    # A one-word phrase of three letters is a function word YAKE does not know ("thy", "thou").
    shortest = 3 if len(words) > 1 else 4
    return bool(words) and any(len(word) >= shortest and not word.isdigit() for word in words)


def _stem(word: str) -> str:
    word = word.casefold()
    for suffix in ("ies", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _overlaps(phrase: str, other: str) -> bool:
    """True when the phrases share half the word stems of the shorter (a plural, a sub-phrase,
    "ill disposed young" beside "disposed young man")."""
    mine = {_stem(word) for word in re.findall(r"\w+", phrase)}
    theirs = {_stem(word) for word in re.findall(r"\w+", other)}
    return len(mine & theirs) * 2 >= min(len(mine), len(theirs))
