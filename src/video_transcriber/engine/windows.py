"""Decode windows: speech spans packed into at most ~22 s of audio, long silences squeezed.

Whisper sees 30 s at a time. Packing whole VAD speech spans into windows (cut only at span
boundaries, a span longer than a window split at its quietest point) means no word is cut in
two and no window is wasted on silence. A pause longer than `lead + trail` is shortened to that
— `trail` kept after the span before it, `lead` before the span after it — so the model hears a
pause between sentences. More is kept before a span than after it, because VAD misses quiet
sentence onsets far more often than it cuts endings. Each window remembers where its pieces
came from, so times the decoder reports inside the window map back to absolute media time (the
idea of faster-whisper's `SpeechTimestampsMap`). Pure functions over numbers and numpy arrays.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from video_transcriber.domain import SAMPLE_RATE, SpeechSpan


@dataclass(frozen=True, slots=True)
class WindowOptions:
    """How speech spans are packed into decode windows."""

    max_seconds: float = 22.0
    """Most audio one window holds. tiny.en skips sentences in full windows more often, and
    each skip costs a re-decode. While every window was encoded as 30 s, longer windows still
    won (fewer encoder passes; three 10-minute lectures, WER / 1-thread seconds: 24 s 0.0438 /
    28.9, 28 s 0.0450 / 27.4). Since the encoder sees only a window's audio and 5 s of silence
    (`engine.decoding.DecodeOptions.encode_silence`), a shorter window costs less, and on five
    10-minute lectures (seeds 0-3 and 7) 22 s windows gave mean WER 0.0433 in 87 s in all,
    20 s 0.0433 / 89 s, 24 s worse WER (0.0599 on seed 7), 18 s 0.0545, against 28 s windows
    encoded whole 0.0452 / 120 s."""
    lead: float = 0.8
    """Audio kept before each span: VAD tends to start late on a quiet first word."""
    trail: float = 0.3
    """Audio kept after each span; a pause longer than `lead + trail` is squeezed to that."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A contiguous slice of the chunk's audio, placed at `offset` seconds inside a window."""

    source_start: float
    source_end: float
    offset: float

    @property
    def duration(self) -> float:
        return self.source_end - self.source_start


@dataclass(frozen=True, slots=True)
class Window:
    """What one decoder call sees: pieces of audio end to end, and the speech spans inside them."""

    pieces: tuple[Piece, ...]
    spans: tuple[SpeechSpan, ...]

    @property
    def duration(self) -> float:
        last = self.pieces[-1]
        return last.offset + last.duration

    @property
    def start(self) -> float:
        return self.pieces[0].source_start

    @property
    def end(self) -> float:
        return self.pieces[-1].source_end

    def to_absolute(self, t: float, *, is_end: bool = False) -> float:
        """Media time of `t` seconds into the window.

        At the seam between two pieces an end belongs to the piece before and a start to the
        piece after; times past the window's audio clamp to its end.
        """
        last = len(self.pieces) - 1
        for index, piece in enumerate(self.pieces):
            stop = piece.offset + piece.duration
            inside = piece.offset < t <= stop if is_end else piece.offset <= t < stop
            if inside or (index == last and t >= piece.offset):
                return min(piece.source_start + (t - piece.offset), piece.source_end)
        return self.start

    def audio(self, samples: np.ndarray, chunk_start: float) -> np.ndarray:
        """The window's audio cut from the chunk's samples (which begin at `chunk_start`),
        each piece brought to the same loudness (`level`). Where a piece is placed after the
        end of the one before (`engine.packing` does that), the gap is filled with silence."""
        parts: list[np.ndarray] = []
        cursor = 0.0
        for p in self.pieces:
            if p.offset - cursor > GAP_TOLERANCE:
                parts.append(np.zeros(_index(p.offset - cursor), dtype=np.float32))
            first, stop = _index(p.source_start - chunk_start), _index(p.source_end - chunk_start)
            parts.append(level(samples[first:stop]))
            cursor = p.offset + p.duration
        return np.concatenate(parts).astype(np.float32, copy=False)


GAP_TOLERANCE = 1e-6
"""Pieces closer than this (float rounding of their offsets) are end to end, not gapped."""


TARGET_RMS = 0.1
"""Loudness every window piece is brought to (-20 dBFS).

Whisper's log-mel features are clamped at 8 (80 dB) below the loudest bin of the window, so a
quiet speaker packed beside a loud one falls under the floor and is never transcribed: on the
corpus, FLEURS clip en_002 (-63 dBFS) vanished next to the JFK clip (-17 dBFS) and came back
word for word once both were levelled. Levelling each piece also undoes quiet recordings."""
MAX_GAIN = 1000.0
"""At most +60 dB, so a piece of near-silence is not blown up into noise."""


def level(piece: np.ndarray) -> np.ndarray:
    """`piece` scaled to `TARGET_RMS` (gain capped at `MAX_GAIN`); silence stays silence."""
    if piece.size == 0:
        return piece
    rms = float(np.sqrt(np.mean(np.square(piece, dtype=np.float64))))
    if rms <= 0.0:
        return piece
    gain = min(TARGET_RMS / rms, MAX_GAIN)
    return np.clip(piece * gain, -1.0, 1.0).astype(np.float32, copy=False)


def _index(seconds: float) -> int:
    return max(0, round(seconds * SAMPLE_RATE))


def clip_spans(spans: Sequence[SpeechSpan], start: float, end: float) -> list[SpeechSpan]:
    """Spans cut to [start, end], empty ones dropped, overlapping ones merged, in order."""
    out: list[SpeechSpan] = []
    for span in sorted(spans, key=lambda s: s.start):
        lo, hi = max(span.start, start), min(span.end, end)
        if hi <= lo:
            continue
        if out and lo <= out[-1].end:
            out[-1] = SpeechSpan(out[-1].start, max(out[-1].end, hi))
        else:
            out.append(SpeechSpan(lo, hi))
    return out


def split_long_spans(
    spans: Sequence[SpeechSpan], samples: np.ndarray, chunk_start: float, max_seconds: float
) -> list[SpeechSpan]:
    """Spans longer than `max_seconds` split into near-equal parts at their quietest moments."""
    out: list[SpeechSpan] = []
    for span in spans:
        out.extend(_split(span, samples, chunk_start, max_seconds))
    return out


def _split(
    span: SpeechSpan, samples: np.ndarray, chunk_start: float, max_seconds: float
) -> Iterator[SpeechSpan]:
    start = span.start
    while span.end - start > max_seconds:
        parts = int(np.ceil((span.end - start) / max_seconds))
        target = start + (span.end - start) / parts
        search = min(2.0, (target - start) / 4)
        cut = quietest_point(
            samples, chunk_start, target - search, min(target + search, start + max_seconds)
        )
        yield SpeechSpan(start, cut)
        start = cut
    yield SpeechSpan(start, span.end)


def quietest_point(samples: np.ndarray, chunk_start: float, lo: float, hi: float) -> float:
    """The centre of the 50 ms frame with the least energy between `lo` and `hi` seconds."""
    frame = SAMPLE_RATE // 20
    first, last = _index(lo - chunk_start), _index(hi - chunk_start)
    region = samples[first:last]
    count = len(region) // frame
    if count < 2:
        return (lo + hi) / 2
    energy = np.square(region[: count * frame].reshape(count, frame)).mean(axis=1)
    best = int(np.argmin(energy))
    return chunk_start + (first + best * frame + frame / 2) / SAMPLE_RATE


def plan_windows(
    spans: Sequence[SpeechSpan], start: float, end: float, options: WindowOptions
) -> list[Window]:
    """Group consecutive spans (each at most `options.max_seconds` long) into decode windows."""
    windows: list[Window] = []
    group: list[SpeechSpan] = []
    for index, span in enumerate(spans):
        candidate = [*group, span]
        if group and _packed_seconds(candidate, options) > options.max_seconds:
            windows.append(
                _build(
                    group, _bounds(spans, index - len(group), index, start, end, options), options
                )
            )
            candidate = [span]
        group = candidate
    if group:
        first = len(spans) - len(group)
        windows.append(
            _build(group, _bounds(spans, first, len(spans), start, end, options), options)
        )
    return windows


def _packed_seconds(group: Sequence[SpeechSpan], options: WindowOptions) -> float:
    speech = sum(s.duration for s in group)
    keep = options.lead + options.trail
    gaps = sum(min(b.start - a.end, keep) for a, b in itertools.pairwise(group))
    return speech + gaps + keep


def _bounds(
    spans: Sequence[SpeechSpan],
    first: int,
    stop: int,
    start: float,
    end: float,
    options: WindowOptions,
) -> tuple[float, float]:
    """How far a window's edges may reach: the chunk edges, or the seam with a neighbour's."""
    lo = start if first == 0 else seam(spans[first - 1], spans[first], options)
    hi = end if stop == len(spans) else seam(spans[stop - 1], spans[stop], options)
    return lo, hi


def seam(before: SpeechSpan, after: SpeechSpan, options: WindowOptions) -> float:
    """Where the audio of two neighbouring windows meets, so no stretch is decoded twice:
    a short pause is shared in proportion to `trail` and `lead`, a long one keeps both whole."""
    gap = after.start - before.end
    keep = options.lead + options.trail
    if gap >= keep:
        return after.start - options.lead
    return before.end + gap * options.trail / keep


def _build(
    group: Sequence[SpeechSpan], bounds: tuple[float, float], options: WindowOptions
) -> Window:
    ranges = [[max(bounds[0], group[0].start - options.lead), group[0].end]]
    for before, after in itertools.pairwise(group):
        if after.start - before.end <= options.lead + options.trail:
            ranges[-1][1] = after.end
        else:
            ranges[-1][1] = before.end + options.trail
            ranges.append([after.start - options.lead, after.end])
    ranges[-1][1] = min(bounds[1], group[-1].end + options.trail)
    pieces: list[Piece] = []
    offset = 0.0
    for lo, hi in ranges:
        pieces.append(Piece(lo, hi, offset))
        offset += hi - lo
    return Window(tuple(pieces), tuple(group))
