"""The non-speech audit's candidates: stretches detection rejected that still hold signal.

Speech detection gates everything after it, and it fails on speech unlike what it was trained
on: whispers, a falsetto, a child, a far voice, a hesitant speaker whose sentence is broken by
long pauses. A stretch outside every speech span whose frames stand well above the recording's
noise floor may be such speech, so it is handed to the model too (`engine.transcriber` decodes
these "faint" spans on their own and keeps only text the model is confident about, so noise,
music and breathing still give nothing).

A frame is loud enough when it is `margin_db` above the noise floor and no more than
`below_speech_db` under the typical level of detected speech (so a faint rustle in a loud
lecture is not a candidate). Loud frames closer than `bridge_seconds` are joined; a run shorter
than `min_seconds` of loud frames is a click or a breath and is dropped; a run is widened by
`pad_seconds` and never reaches into a speech span. The audio just before and after a speech
span is not a candidate: the span's decode window already holds it. Pure functions over
frame levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from video_transcriber.domain import SpeechSpan


@dataclass(frozen=True, slots=True)
class FaintOptions:
    """Which rejected stretches the audit decodes."""

    margin_db: float = 12.0
    """Frames this far above the noise floor hold signal."""
    below_speech_db: float = 50.0
    """Frames more than this under the median level of detected speech are ignored."""
    bridge_seconds: float = 0.4
    """Loud frames closer than this belong to one stretch."""
    min_seconds: float = 0.4
    """Stretches with less loud audio than this are clicks and breaths."""
    pad_seconds: float = 0.2
    """Audio kept on each side of a stretch."""
    heard_before: float = 0.8
    """Audio before each speech span that its decode window already holds
    (`engine.windows.WindowOptions.lead`): not a candidate."""
    heard_after: float = 0.3
    """Audio after each speech span that its decode window already holds (`trail`)."""


def faint_spans(
    levels: np.ndarray,
    floor_db: float,
    speech: Sequence[SpeechSpan],
    *,
    frame_seconds: float,
    duration: float,
    options: FaintOptions | None = None,
) -> list[SpeechSpan]:
    """Stretches outside `speech` whose frames stand above the floor, sorted and disjoint."""
    o = options or FaintOptions()
    levels = np.asarray(levels, dtype=np.float64)
    if levels.size == 0 or duration <= 0:
        return []
    inside = _speech_mask(speech, levels.size, frame_seconds)
    threshold = floor_db + o.margin_db
    if inside.any():
        threshold = max(threshold, float(np.median(levels[inside])) - o.below_speech_db)
    heard = [SpeechSpan(s.start - o.heard_before, s.end + o.heard_after) for s in speech]
    loud = (levels > threshold) & ~_speech_mask(heard, levels.size, frame_seconds)
    out: list[SpeechSpan] = []
    for first, stop, count in _runs(loud, round(o.bridge_seconds / frame_seconds)):
        if count * frame_seconds < o.min_seconds:
            continue
        start = max(0.0, first * frame_seconds - o.pad_seconds)
        end = min(duration, stop * frame_seconds + o.pad_seconds)
        out.append(SpeechSpan(start, end))
    return [s for s in _outside(out, speech) if s.duration >= o.min_seconds]


def _speech_mask(speech: Sequence[SpeechSpan], size: int, frame_seconds: float) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    for span in speech:
        first = max(0, int(span.start / frame_seconds))
        mask[first : int(np.ceil(span.end / frame_seconds))] = True
    return mask


def _runs(loud: np.ndarray, bridge: int) -> list[tuple[int, int, int]]:
    """(first frame, stop frame, loud frames) of runs of loud frames joined across short gaps."""
    indices = np.flatnonzero(loud)
    if indices.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) > bridge + 1)
    starts = np.concatenate([[0], breaks + 1])
    stops = np.concatenate([breaks, [indices.size - 1]])
    return [
        (int(indices[a]), int(indices[b]) + 1, int(b - a + 1))
        for a, b in zip(starts, stops, strict=True)
    ]


def _outside(spans: list[SpeechSpan], speech: Sequence[SpeechSpan]) -> list[SpeechSpan]:
    """What of `spans` lies outside every speech span, merged where pieces overlap."""
    ordered = sorted(speech, key=lambda s: s.start)
    pieces: list[SpeechSpan] = []
    for span in spans:
        cursor = span.start
        for s in ordered:
            if s.end <= cursor or s.start >= span.end:
                continue
            if s.start > cursor:
                pieces.append(SpeechSpan(cursor, s.start))
            cursor = max(cursor, s.end)
        if span.end > cursor:
            pieces.append(SpeechSpan(cursor, span.end))
    out: list[SpeechSpan] = []
    for piece in sorted(pieces, key=lambda p: p.start):
        if out and piece.start <= out[-1].end:
            out[-1] = SpeechSpan(out[-1].start, max(out[-1].end, piece.end))
        else:
            out.append(piece)
    return out
