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


def _trim_end(segment: Segment, end: float) -> Segment:
    end = max(segment.start, end)
    return replace(segment, end=end, words=_clamp_words(segment.words, segment.start, end))


def tidy(segments: Sequence[Segment], start: float, end: float) -> list[Segment]:
    """Segments clamped to [start, end] and made monotonic and non-overlapping, in the order
    given (which is text order: window by window, re-decoded speech spliced in place).

    Where a segment starts inside the previous one, the previous one is cut short; where it
    starts before the previous one even began, it is moved after it. Empty segments are
    dropped, and so is a segment repeating the text of the one just before it (a decoder loop)
    when that text has at least three words.
    """
    out: list[Segment] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        if out and len(text.split()) >= 3 and _same_text(out[-1].text, text):
            continue
        seg_start = _clamp(segment.start, start, end)
        if out and seg_start < out[-1].end:
            if seg_start >= out[-1].start:
                out[-1] = _trim_end(out[-1], seg_start)
            else:
                seg_start = out[-1].end
        seg_end = _clamp(segment.end, seg_start, end)
        words = _clamp_words(segment.words, seg_start, seg_end)
        out.append(replace(segment, start=seg_start, end=seg_end, text=text, words=words))
    return merge_fragments(out)


FRAGMENT_WORDS = 2
"""A segment of this many words or fewer is a fragment: splicing re-decoded speech in cuts
segments at word boundaries and can leave a lone "most" or "is." that makes a one-word subtitle."""
FRAGMENT_GAP = 0.5
"""A fragment joins the segment before it only if it follows within this many seconds."""
MAX_MERGED_SECONDS = 12.0
"""...and only if the joined segment stays a readable subtitle."""


def merge_fragments(segments: Sequence[Segment]) -> list[Segment]:
    """Fold fragments into the segment just before them when they follow on closely."""
    out: list[Segment] = []
    for segment in segments:
        previous = out[-1] if out else None
        if (
            previous is not None
            and len(segment.text.split()) <= FRAGMENT_WORDS
            and segment.start - previous.end <= FRAGMENT_GAP
            and segment.end - previous.start <= MAX_MERGED_SECONDS
        ):
            out[-1] = replace(
                previous,
                end=segment.end,
                text=f"{previous.text} {segment.text}",
                words=previous.words + segment.words,
                avg_logprob=min(previous.avg_logprob, segment.avg_logprob),
            )
            continue
        out.append(segment)
    return out
