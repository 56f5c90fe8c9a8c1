"""Speech spans → chunks: consecutive units of transcription work, cut in silence.

Chunks are planned greedily from the first span on. From a chunk's start, every gap between two
spans is a place the chunk could end. The planner looks at the gaps whose chunk length falls in a
window around `target_seconds` (± `TARGET_WINDOW_FRACTION`) and cuts at the *longest* of them:
a long pause is the safest place to cut, because no word straddles it and the decoder restarts
on a sentence boundary. With no gap in the window it cuts at the gap nearest the target. A chunk
never exceeds `max_seconds`; only a single span longer than that is cut inside speech, into
equal pieces (a forced cut).

A chunk starts where its first span starts and ends where its last span ends, so leading and
trailing silence is never sent to a worker. No speech means no chunks.

Faint spans (stretches detection rejected that hold signal, `segmentation.faint`) are planned
like speech, so a chunk is never cut through one, and each chunk lists them apart from its
speech (`Chunk.faint`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from video_transcriber.domain import Chunk, SpeechSpan

TARGET_WINDOW_FRACTION = 0.25
"""Cut candidates are gaps whose chunk length is within ±25% of the target. Wide enough that
there is usually a real pause to choose from; narrow enough that chunk lengths stay even, which
keeps workers evenly loaded."""


TAIL_SPLIT_FRACTION = 0.5
"""A last chunk at least this fraction of the target is cut in two (`_split_tail`)."""


@dataclass(frozen=True, slots=True)
class _Unit:
    """A span, or a piece of one too long for a chunk; `forced_after` marks a cut in speech."""

    start: float
    end: float
    forced_after: bool = False
    faint: bool = False


def plan_chunks(
    spans: Sequence[SpeechSpan],
    *,
    duration: float,
    target_seconds: float,
    max_seconds: float,
    faint: Sequence[SpeechSpan] = (),
) -> list[Chunk]:
    """Consecutive, disjoint chunks that together hold every second of `spans` and `faint`.

    `target_seconds` is the length aimed for; `max_seconds` the hard limit (a target above it is
    treated as `max_seconds`). Spans are clipped to `[0, duration]`; overlapping spans are merged
    (a faint span overlapping speech becomes speech).
    """
    if target_seconds <= 0 or max_seconds <= 0:
        raise ValueError("target_seconds and max_seconds must be positive")
    target = min(target_seconds, max_seconds)
    labelled = [(s, False) for s in spans] + [(s, True) for s in faint]
    units = _units(_normalise(labelled, duration), max_seconds)
    chunks: list[Chunk] = []
    for first, last in _split_tail(units, _ranges(units, target, max_seconds), target):
        members = units[first : last + 1]
        chunks.append(
            Chunk(
                index=len(chunks),
                start=members[0].start,
                end=members[-1].end,
                speech=tuple(SpeechSpan(u.start, u.end) for u in members if not u.faint),
                faint=tuple(SpeechSpan(u.start, u.end) for u in members if u.faint),
            )
        )
    return chunks


def _ranges(units: list[_Unit], target: float, max_seconds: float) -> list[tuple[int, int]]:
    """(first, last) unit index of each chunk, planned greedily from the start."""
    ranges: list[tuple[int, int]] = []
    first = 0
    while first < len(units):
        last = _choose_last(units, first, target, max_seconds)
        ranges.append((first, last))
        first = last + 1
    return ranges


def _split_tail(
    units: list[_Unit], ranges: list[tuple[int, int]], target: float
) -> list[tuple[int, int]]:
    """The last chunk of several cut in two near its middle, when it is long enough.

    Whatever the worker count, the job ends when its last chunk does; a half-size last pair
    means the worker that finishes first waits half as long for the other. It depends only on
    the speech, so the transcript still does not depend on the machine.
    """
    if len(ranges) < 2:
        return ranges
    first, last = ranges[-1]
    length = units[last].end - units[first].start
    if last == first or length < TAIL_SPLIT_FRACTION * target:
        return ranges
    cut = _choose_last(units, first, length / 2, length)
    if cut >= last:
        return ranges
    return [*ranges[:-1], (first, cut), (cut + 1, last)]


def _normalise(
    spans: Sequence[tuple[SpeechSpan, bool]], duration: float
) -> list[tuple[SpeechSpan, bool]]:
    """(span, faint) pairs sorted, clipped to the media, empty spans dropped, overlapping ones
    merged (speech wins over faint).

    Touching spans stay apart: padding splits short pauses at their middle, and that middle is
    still a fine place to cut.
    """
    clipped = sorted(
        (max(0.0, span.start), min(duration, span.end), faint)
        for span, faint in spans
        if min(duration, span.end) > max(0.0, span.start)
    )
    merged: list[list[float | bool]] = []
    for start, end, faint in clipped:
        if merged and start < float(merged[-1][1]):
            merged[-1][1] = max(float(merged[-1][1]), end)
            merged[-1][2] = bool(merged[-1][2]) and faint
        else:
            merged.append([start, end, faint])
    return [(SpeechSpan(float(a), float(b)), bool(f)) for a, b, f in merged]


def _units(spans: list[tuple[SpeechSpan, bool]], max_seconds: float) -> list[_Unit]:
    """Spans as units; a span longer than `max_seconds` becomes equal pieces with forced cuts."""
    units: list[_Unit] = []
    for span, faint in spans:
        pieces = max(1, math.ceil(span.duration / max_seconds))
        if pieces == 1:
            units.append(_Unit(span.start, span.end, faint=faint))
            continue
        step = span.duration / pieces
        edges = [span.start + step * k for k in range(pieces)] + [span.end]
        units.extend(
            _Unit(edges[k], edges[k + 1], forced_after=k < pieces - 1, faint=faint)
            for k in range(pieces)
        )
    return units


def _choose_last(units: list[_Unit], first: int, target: float, max_seconds: float) -> int:
    """Index of the last unit of the chunk that starts with `units[first]`."""
    chunk_start = units[first].start
    low, high = target * (1 - TARGET_WINDOW_FRACTION), target * (1 + TARGET_WINDOW_FRACTION)
    in_window: list[tuple[float, float, int]] = []  # (gap, -distance to target, index)
    nearest = first
    for index in range(first, len(units)):
        unit = units[index]
        length = unit.end - chunk_start
        if length > max_seconds:
            break
        ends_run = unit.forced_after or index == len(units) - 1
        gap = math.inf if ends_run else units[index + 1].start - unit.end
        if abs(length - target) <= abs(units[nearest].end - chunk_start - target):
            nearest = index
        if low <= length <= high:
            in_window.append((gap, -abs(length - target), index))
        if ends_run or length > high:
            break
    if in_window:
        return max(in_window)[2]
    return nearest
