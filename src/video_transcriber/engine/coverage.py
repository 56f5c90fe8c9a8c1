"""The coverage check: which speech got no text, or clearly too little, and splicing it back in.

Whisper sometimes ends a window early — it emits end-of-text with speech still to come — or
jumps over a sentence; that audio is then silently missing from the transcript (deletions, the
main loss on long lectures). VAD tells us where speech is, so after the windows are decoded:

* a stretch of a speech span that no segment's time range covers, at least `min_hole_seconds`
  long, is missing (typically the tail of a window, or a whole span the decoder jumped over);
* a whole span long enough to hold words that got fewer than `min_words_per_second` times its
  length is missing too (words are shared out by word timestamps when there are some, else a
  segment's words in proportion to its overlap with each span).

Each missing stretch is decoded again (packed with the chunk's others, `engine.packing`) and
`splice` puts the result in place: segments
lying mostly inside the stretch are replaced, and words repeated across the seam (the re-decode
starts a little early) are dropped. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from video_transcriber.domain import Segment, SpeechSpan, Word

MAX_SEAM_WORDS = 6
"""Longest run of words looked for on both sides of a seam."""


@dataclass(frozen=True, slots=True)
class CoverageOptions:
    """When speech counts as missing from the transcript."""

    min_hole_seconds: float = 1.0
    """Uncovered speech shorter than this is timestamp jitter, not a lost phrase."""
    min_span_seconds: float = 0.8
    """Shorter spans (a cough, a click, one short word) are never judged by their word count."""
    min_words_per_second: float = 0.7
    """Speech runs at 2-3 words a second; a span with much less than that lost its words."""


def _overlap(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    return max(0.0, min(a_end, b_end) - max(a_start, b_start))


def _nearest(spans: Sequence[SpeechSpan], start: float, end: float) -> int:
    middle = (start + end) / 2
    return min(
        range(len(spans)),
        key=lambda i: max(0.0, spans[i].start - middle, middle - spans[i].end),
    )


def _share(
    spans: Sequence[SpeechSpan], start: float, end: float, weight: float, out: list[float]
) -> None:
    """Add `weight` words over [start, end] to the spans it overlaps (or the nearest one)."""
    overlaps = [_overlap(start, end, s.start, s.end) for s in spans]
    total = sum(overlaps)
    if total <= 0:
        out[_nearest(spans, start, end)] += weight
        return
    for i, amount in enumerate(overlaps):
        out[i] += weight * amount / total


def words_per_span(spans: Sequence[SpeechSpan], segments: Sequence[Segment]) -> list[float]:
    """How many transcribed words fall in each span (fractional when a segment straddles spans)."""
    counts = [0.0] * len(spans)
    if not spans:
        return counts
    for segment in segments:
        if segment.words:
            for word in segment.words:
                _share(spans, word.start, word.end, 1.0, counts)
        else:
            _share(spans, segment.start, segment.end, float(len(segment.text.split())), counts)
    return counts


def _reach(segments: Sequence[Segment]) -> list[tuple[float, float]]:
    """Where the text is: each word's time when segments have words, else each segment's."""
    out: list[tuple[float, float]] = []
    for segment in segments:
        if segment.words:
            out += [(w.start, w.end) for w in segment.words]
        else:
            out.append((segment.start, segment.end))
    return sorted(out)


def uncovered(span: SpeechSpan, segments: Sequence[Segment]) -> list[SpeechSpan]:
    """The parts of `span` that no word (or, without word timings, no segment) reaches."""
    return _holes(span, _reach(segments))


def _holes(span: SpeechSpan, reach: Sequence[tuple[float, float]]) -> list[SpeechSpan]:
    holes: list[SpeechSpan] = []
    cursor = span.start
    for start, end in reach:
        if end <= cursor or start >= span.end:
            continue
        if start > cursor:
            holes.append(SpeechSpan(cursor, start))
        cursor = max(cursor, end)
    if cursor < span.end:
        holes.append(SpeechSpan(cursor, span.end))
    return holes


def missing_speech(
    spans: Sequence[SpeechSpan], segments: Sequence[Segment], options: CoverageOptions
) -> list[SpeechSpan]:
    """The stretches of speech to decode again, in time order."""
    out: list[SpeechSpan] = []
    reach = _reach(segments)
    for span, words in zip(spans, words_per_span(spans, segments), strict=True):
        if span.duration >= options.min_span_seconds and words < (
            options.min_words_per_second * span.duration
        ):
            out.append(span)
        else:
            out += [h for h in _holes(span, reach) if h.duration >= options.min_hole_seconds]
    return out


def _mostly_inside(segment: Segment, region: SpeechSpan) -> bool:
    length = segment.end - segment.start
    if length <= 0:
        return region.start <= segment.start <= region.end
    return _overlap(segment.start, segment.end, region.start, region.end) > 0.5 * length


def _outside(segment: Segment, region: SpeechSpan) -> list[Segment]:
    """What of `segment` lies outside `region`: by its words when it has them — a segment the
    decoder stretched over skipped speech is cut in two around it — else whole or nothing."""
    if not segment.words:
        return [] if _mostly_inside(segment, region) else [segment]
    middle = [(w.start + w.end) / 2 for w in segment.words]
    before = tuple(w for w, m in zip(segment.words, middle, strict=True) if m < region.start)
    after = tuple(w for w, m in zip(segment.words, middle, strict=True) if m > region.end)
    if (not before or not after) and len(before) + len(after) == len(segment.words):
        return [segment]
    return [
        replace(segment, start=part[0].start, end=part[-1].end, words=part, text=_join(part))
        for part in (before, after)
        if part
    ]


def _position(segment: Segment) -> float:
    """Where a segment's text begins: its first word's middle, else its own middle."""
    if segment.words:
        return (segment.words[0].start + segment.words[0].end) / 2
    return (segment.start + segment.end) / 2


def _join(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip()


def _key(token: str) -> str:
    return re.sub(r"[^\w']", "", token.lower())


def _seam(left: Sequence[str], right: Sequence[str]) -> int:
    """How many words at the start of `right` repeat the end of `left`."""
    left_keys, right_keys = [_key(t) for t in left], [_key(t) for t in right]
    for size in range(min(MAX_SEAM_WORDS, len(left_keys), len(right_keys)), 0, -1):
        if left_keys[-size:] == right_keys[:size]:
            return size
    return 0


def _drop_words(segment: Segment, head: int, tail: int) -> Segment:
    if not head and not tail:
        return segment
    if segment.words:
        words = segment.words[head : len(segment.words) - tail]
        if not words:
            return replace(segment, text="", words=())
        return replace(
            segment, text=_join(words), words=words, start=words[0].start, end=words[-1].end
        )
    tokens = segment.text.split()
    return replace(segment, text=" ".join(tokens[head : len(tokens) - tail]))


def _tokens(segment: Segment) -> list[str]:
    return [w.text for w in segment.words] if segment.words else segment.text.split()


def splice(
    segments: Sequence[Segment], region: SpeechSpan, replacement: Sequence[Segment]
) -> list[Segment]:
    """`replacement` put in place of what the segments had inside `region`, seams de-duplicated.

    Order is text order: what lay before the region, the replacement, what lay after it.
    """
    kept = [p for s in segments for p in _outside(s, region)]
    before = [s for s in kept if _position(s) < region.start]
    after = [s for s in kept if _position(s) >= region.start]
    new = [s for s in replacement if s.text.strip()]
    if new and before:
        new[0] = _drop_words(new[0], _seam(_tokens(before[-1]), _tokens(new[0])), 0)
    if new and after:
        new[-1] = _drop_words(new[-1], 0, _seam(_tokens(new[-1]), _tokens(after[0])))
    return [*before, *(s for s in new if s.text.strip()), *after]
