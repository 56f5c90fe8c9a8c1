"""Which characters of each segment the HTML page highlights, and as what.

Highlights are computed on the same `TextStream` the insights came from, so a keyword phrase or
a question that spans two segments is marked in both. Keywords are re-matched with
`phrase_pattern`; questions and emphasis sentences are found again by exact text search, in
order (the stream's normalisation makes that exact). Overlaps are fine: every character carries a
set of flags, and each run of equal flags becomes one `<mark>` with one class per flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntFlag

from video_transcriber.insights import TextStream, phrase_pattern
from video_transcriber.insights.model import Insights
from video_transcriber.insights.stream import clean_text


class Mark(IntFlag):
    """What a highlighted character belongs to; values are CSS class names via `css_classes`."""

    NONE = 0
    KEYWORD = 1
    QUESTION = 2
    EMPHASIS = 4


_CLASS_NAMES = {Mark.KEYWORD: "kw", Mark.QUESTION: "q", Mark.EMPHASIS: "em"}


def css_classes(mark: Mark) -> str:
    """`Mark.KEYWORD | Mark.QUESTION` -> "kw q"."""
    return " ".join(name for flag, name in _CLASS_NAMES.items() if flag in mark)


@dataclass(frozen=True, slots=True)
class MarkedSegment:
    """One non-empty segment's (normalised) text cut into runs of equal highlighting."""

    index: int
    runs: tuple[tuple[str, Mark], ...]


def mark_segments(stream: TextStream, insights: Insights) -> list[MarkedSegment]:
    """Highlight runs for every non-empty segment in `stream`."""
    flags = [Mark.NONE] * len(stream.text)
    for summary in insights.keywords:
        pattern = phrase_pattern(summary.keyword)
        if pattern is not None and summary.count:
            for match in pattern.finditer(stream.text):
                _set(flags, match.start(), match.end(), Mark.KEYWORD)
    _mark_texts(stream.text, (q.text for q in insights.questions), Mark.QUESTION, flags)
    _mark_texts(stream.text, (c.text for c in insights.emphasis), Mark.EMPHASIS, flags)
    return [
        MarkedSegment(r.index, tuple(_runs(stream.text, flags, r.first, r.last)))
        for r in stream.ranges
    ]


def _set(flags: list[Mark], first: int, last: int, mark: Mark) -> None:
    for position in range(first, last):
        flags[position] |= mark


def _mark_texts(text: str, sentences: Iterable[str], mark: Mark, flags: list[Mark]) -> None:
    cursor = 0
    for sentence in sentences:
        needle = clean_text(sentence)
        if not needle:
            continue
        found = text.find(needle, cursor)
        if found < 0:
            found = text.find(needle)  # insights out of order or from an older transcript
        if found >= 0:
            _set(flags, found, found + len(needle), mark)
            cursor = found + len(needle)


def _runs(text: str, flags: list[Mark], first: int, last: int) -> list[tuple[str, Mark]]:
    runs: list[tuple[str, Mark]] = []
    start = first
    for position in range(first + 1, last + 1):
        if position == last or flags[position] != flags[start]:
            runs.append((text[start:position], flags[start]))
            start = position
    return runs
