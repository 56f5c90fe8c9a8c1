"""Making decoded segments safe to stitch: inside the chunk, in order, not overlapping, no loops.

Whisper's timestamps can run past the audio it was given, two decodes of neighbouring audio can
overlap by a few tenths of a second, and a struggling decoder can repeat one line over and over.
`tidy` fixes all three so the stitched transcript reads in order and subtitles never overlap.
Pure functions over domain segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from video_transcriber.domain import Segment, Word


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def _clamp_words(words: Sequence[Word], lo: float, hi: float) -> tuple[Word, ...]:
    out: list[Word] = []
    floor = lo
    for word in words:
        start = _clamp(max(word.start, floor), lo, hi)
        end = _clamp(max(word.end, start), start, hi)
        out.append(replace(word, start=start, end=end))
        floor = end
    return tuple(out)


def _same_text(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def tidy(segments: Sequence[Segment], start: float, end: float) -> list[Segment]:
    """Segments sorted, clamped to [start, end], made monotonic and non-overlapping.

    Empty segments are dropped, and so is a segment repeating the text of the one just before it
    (a decoder loop) when that text has at least three words.
    """
    out: list[Segment] = []
    floor = start
    for segment in sorted(segments, key=lambda s: (s.start, s.end)):
        text = segment.text.strip()
        if not text:
            continue
        if out and len(text.split()) >= 3 and _same_text(out[-1].text, text):
            continue
        seg_start = _clamp(max(segment.start, floor), start, end)
        seg_end = _clamp(max(segment.end, seg_start), seg_start, end)
        words = _clamp_words(segment.words, seg_start, seg_end)
        out.append(replace(segment, start=seg_start, end=seg_end, text=text, words=words))
        floor = seg_end
    return out
