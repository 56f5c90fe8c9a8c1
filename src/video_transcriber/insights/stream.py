"""The transcript as one continuous text, with a map from every character back to time and segment.

Whisper cuts segments wherever its 30-second windows end, not where sentences or phrases end, so
sentence splitting and phrase matching work on all segment texts joined by single spaces. Each
segment's text is NFC-normalised and its whitespace collapsed first, so a phrase broken by a line
break or split across two segments is still one run of text, and the same normalisation lets
other modules (the HTML writer) find a sentence again by plain string search.

Time for a character: the word that contains it when word timestamps exist, otherwise the start
(or end) of its segment — never a guess interpolated inside a segment.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from video_transcriber.domain import Segment


def clean_text(text: str) -> str:
    """NFC-normalise and collapse all whitespace (incl. line breaks) to single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True)
class SegmentRange:
    """Where one non-empty segment sits in the stream: characters `first` to `last` (exclusive)."""

    index: int
    first: int
    last: int


class TextStream:
    """All non-empty segment texts joined by one space, with char → segment/time look-ups."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = segments
        self.ranges: list[SegmentRange] = []
        self._word_first: list[int] = []
        self._word_last: list[int] = []
        self._word_range: list[int] = []
        self._word_times: list[tuple[float, float]] = []
        parts: list[str] = []
        position = 0
        for index, segment in enumerate(segments):
            text = clean_text(segment.text)
            if not text:
                continue
            if parts:
                position += 1  # the joining space
            parts.append(text)
            self.ranges.append(SegmentRange(index, position, position + len(text)))
            self._locate_words(segment, text, position)
            position += len(text)
        self.text = " ".join(parts)
        self._range_firsts = [r.first for r in self.ranges]

    def _locate_words(self, segment: Segment, text: str, offset: int) -> None:
        # Words are searched in order; one whose text is not found (a tokenizer quirk) is skipped
        # rather than guessed, and the segment's own times cover its characters.
        cursor = 0
        range_position = len(self.ranges) - 1
        for word in segment.words:
            word_text = clean_text(word.text)
            if not word_text:
                continue
            found = text.find(word_text, cursor)
            if found < 0:
                continue
            cursor = found + len(word_text)
            self._word_first.append(offset + found)
            self._word_last.append(offset + cursor)
            self._word_range.append(range_position)
            self._word_times.append((word.start, max(word.start, word.end)))

    def _range_position(self, position: int) -> int:
        return max(0, bisect.bisect_right(self._range_firsts, position) - 1)

    def segment_at(self, position: int) -> int:
        """The index (in the original segment list) of the segment holding character `position`."""
        if not self.ranges:
            raise IndexError("the transcript has no text")
        return self.ranges[self._range_position(position)].index

    def start_time(self, position: int) -> float:
        """When the character at `position` starts being spoken (word-precise if possible)."""
        range_position = self._range_position(position)
        segment = self.segments[self.ranges[range_position].index]
        word = bisect.bisect_right(self._word_first, position) - 1
        inside = word >= 0 and self._word_last[word] > position
        if inside and self._word_range[word] == range_position:
            return self._word_times[word][0]
        following = word + 1
        if following < len(self._word_first) and self._word_range[following] == range_position:
            return self._word_times[following][0]
        return segment.start

    def end_time(self, position: int) -> float:
        """When the character at `position` (inclusive) has been spoken."""
        range_position = self._range_position(position)
        segment = self.segments[self.ranges[range_position].index]
        word = bisect.bisect_right(self._word_first, position) - 1
        if word >= 0 and self._word_range[word] == range_position:
            return self._word_times[word][1]
        return max(segment.start, segment.end)

    def segment_ends_between(self, first: int, last: int) -> list[int]:
        """Stream positions where a segment ends strictly inside `first`..`last`."""
        return [r.last for r in self.ranges if first < r.last < last]
