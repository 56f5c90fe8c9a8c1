"""Sentence splitting across segment boundaries, each sentence keeping where it starts and ends.

A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets) followed by space or
the end of the text — except after a known abbreviation or a single-letter initial, and except
when a `.`/`…` is followed by a lower-case word (Whisper's "so... we" trailing-off style).

Segment boundaries are not sentence boundaries, with two exceptions:
- a segment ending on a bare word (no mark at all) followed by one starting with a capital
  (other than "I") is where Whisper dropped a sentence's final mark, so a sentence ends there;
- text without punctuation (some models and corpora emit none) would otherwise become one
  enormous "sentence", so one that has grown past `max_words` is cut at the next segment boundary.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from video_transcriber.domain import Segment
from video_transcriber.insights.stream import TextStream

DEFAULT_MAX_WORDS = 60
"""Unpunctuated runs longer than this are cut at a segment boundary."""

_APOSTROPHES = "'\u2019"
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_OPENERS = "\"'\u201c\u2018\u00ab(["
_TERMINATOR = re.compile(rf"[.!?\u2026]+[{re.escape(_CLOSERS)}]*(?=\s|$)")
_WORD = re.compile(rf"\w+(?:[{_APOSTROPHES}]\w+)*")
_OPENER = re.compile(rf"[{re.escape(_OPENERS)}]*({_WORD.pattern})")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "cf", "fig", "approx"}
)
_NO_FINAL_WORDS = frozenset(
    {"the", "a", "an", "of", "to", "and", "or", "but", "on", "in", "at", "for", "with", "from"}
    | {"by", "be", "is", "are", "was", "were", "my", "your", "our", "their", "this", "that"}
)
"""Words a sentence practically never ends on; a segment ending on one continues."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text, its time span, and its character span in the `TextStream`."""

    text: str
    start: float
    end: float
    first: int
    last: int
    segment_index: int
    """Index of the segment where the sentence starts."""


def count_words(text: str) -> int:
    """Words as a reader counts them: `don't` is one word, `3.14` is two runs of digits."""
    return len(_WORD.findall(text))


def split_sentences(stream: TextStream, *, max_words: int = DEFAULT_MAX_WORDS) -> list[Sentence]:
    """The stream's sentences in order; together they cover every non-space character."""
    sentences: list[Sentence] = []
    for first, last in _punctuated_spans(stream):
        for piece_first, piece_last in _cap_length(stream, first, last, max_words):
            sentences.append(
                Sentence(
                    text=stream.text[piece_first:piece_last],
                    start=stream.start_time(piece_first),
                    end=stream.end_time(piece_last - 1),
                    first=piece_first,
                    last=piece_last,
                    segment_index=stream.segment_at(piece_first),
                )
            )
    return sentences


def sentences_of(
    segments: Sequence[Segment], *, max_words: int = DEFAULT_MAX_WORDS
) -> list[Sentence]:
    """Shortcut: split the sentences of a segment list."""
    return split_sentences(TextStream(segments), max_words=max_words)


def sentence_at(sentences: Sequence[Sentence], position: int) -> Sentence | None:
    """The sentence holding stream character `position`, if any."""
    index = bisect.bisect_right(sentences, position, key=lambda s: s.first) - 1
    if index >= 0 and sentences[index].last > position:
        return sentences[index]
    return None


def _punctuated_spans(stream: TextStream) -> Iterator[tuple[int, int]]:
    text = stream.text
    stops = [m.end() for m in _TERMINATOR.finditer(text) if not _is_false_stop(text, m)]
    stops.extend(_unmarked_stops(stream))
    first = 0
    for stop in sorted(set(stops)):
        yield from _trimmed(text, first, stop)
        first = stop
    yield from _trimmed(text, first, len(text))


def _unmarked_stops(stream: TextStream) -> Iterator[int]:
    # A segment that ends on a bare word, followed by one that starts with a capitalised word, is
    # how Whisper writes a sentence whose final mark it dropped ("Does this make sense" | "Now").
    text = stream.text
    for previous, following in itertools.pairwise(stream.ranges):
        if not text[previous.last - 1].isalnum():
            continue
        last_word = text[previous.first : previous.last].rsplit(" ", 1)[-1]
        opener = _OPENER.match(text, following.first)
        if opener and last_word.casefold() not in _NO_FINAL_WORDS and _is_capitalised(opener[1]):
            yield previous.last


def _is_capitalised(word: str) -> bool:
    # "Now", "The", "A": yes. "I", "I'm": no (mid-sentence too). "EXAM": no (shouted, not begun).
    if not word[:1].isupper() or word == "I" or word[1:2] in _APOSTROPHES:
        return False
    return len(word) == 1 or not word.isupper()


def _is_false_stop(text: str, match: re.Match[str]) -> bool:
    marks = match.group().rstrip(_CLOSERS)
    if "?" in marks or "!" in marks:
        return False
    following = text[match.end() :].lstrip()
    if following[:1].islower():
        return True
    if marks != ".":
        return False
    before = text[: match.start()].rsplit(" ", 1)[-1].lstrip(_OPENERS)
    if before.casefold() in _ABBREVIATIONS:
        return True
    return len(before) == 1 and before.isalpha() and before.isupper()


def _trimmed(text: str, first: int, last: int) -> Iterator[tuple[int, int]]:
    while first < last and text[first].isspace():
        first += 1
    while last > first and text[last - 1].isspace():
        last -= 1
    if first < last:
        yield first, last


def _cap_length(
    stream: TextStream, first: int, last: int, max_words: int
) -> Iterator[tuple[int, int]]:
    cuts = stream.segment_ends_between(first, last)
    if not cuts or count_words(stream.text[first:last]) <= max_words:
        yield first, last
        return
    start = first
    for cut in cuts:
        if count_words(stream.text[start:cut]) >= max_words:
            yield from _trimmed(stream.text, start, cut)
            start = cut
    yield from _trimmed(stream.text, start, last)
