"""Frame probabilities → speech spans, the way Silero's own `get_speech_timestamps` does it.

A span opens at the first frame whose probability reaches `threshold` and stays open through
frames above `threshold - 0.15` (hysteresis, so a span does not flicker on a soft syllable). It
closes once probabilities have stayed below that lower bound for `min_silence_ms`; the span ends
where that silence began. Spans shorter than `min_speech_ms` are dropped as clicks. Every span is
then widened by `speech_pad_ms` on both sides so word edges are not clipped; where two pads would
overlap, the silence between the spans is split in half instead, so spans never overlap.

Unlike Silero, there is no maximum span length here: long speech is split later, by
`segmentation.chunking`, which knows the chunk budget.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from video_transcriber.config import VadSettings
from video_transcriber.domain import SpeechSpan

FRAME_SECONDS = 0.032
"""Seconds per probability: Silero scores 512-sample frames at 16 kHz. Must equal
`engine.vad.FRAME_SECONDS` (a test checks); repeated here so this package stays pure."""
NEG_THRESHOLD_OFFSET = 0.15
"""Silero's hysteresis: once in speech, frames down to `threshold - 0.15` still count as speech."""
MIN_NEG_THRESHOLD = 0.01


def speech_spans(
    probabilities: np.ndarray,
    settings: VadSettings,
    *,
    duration: float,
    frame_seconds: float = FRAME_SECONDS,
) -> list[SpeechSpan]:
    """Speech spans in seconds, sorted, non-overlapping and inside `[0, duration]`."""
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.ndim != 1:
        raise ValueError(f"probabilities must be 1-D, got shape {probs.shape}")
    if duration <= 0 or probs.size == 0:
        return []
    frames = _raw_frame_spans(probs, settings, frame_seconds)
    raw = [
        (start * frame_seconds, min(end * frame_seconds, duration))
        for start, end in frames
        if start * frame_seconds < duration
    ]
    min_speech = settings.min_speech_ms / 1000
    kept = [(start, end) for start, end in raw if end - start >= min_speech and end > start]
    return _pad(kept, settings.speech_pad_ms / 1000, duration)


def _raw_frame_spans(
    probs: np.ndarray, settings: VadSettings, frame_seconds: float
) -> list[tuple[int, int]]:
    """Hysteresis over frames: (first speech frame, first silent frame) pairs, unpadded."""
    threshold = settings.threshold
    neg_threshold = max(threshold - NEG_THRESHOLD_OFFSET, MIN_NEG_THRESHOLD)
    min_silence_frames = settings.min_silence_ms / 1000 / frame_seconds
    spans: list[tuple[int, int]] = []
    start: int | None = None
    silence_from: int | None = None
    for index, prob in enumerate(probs.tolist()):
        if prob >= threshold:
            silence_from = None
            if start is None:
                start = index
        elif start is not None and prob < neg_threshold:
            if silence_from is None:
                silence_from = index
            if index + 1 - silence_from >= min_silence_frames:
                spans.append((start, silence_from))
                start = silence_from = None
    if start is not None:
        spans.append((start, silence_from if silence_from is not None else probs.size))
    return spans


def _pad(spans: list[tuple[float, float]], pad: float, duration: float) -> list[SpeechSpan]:
    """Widen each span by `pad`, splitting the gap between neighbours that would overlap."""
    if not spans:
        return []
    starts = [max(0.0, start - pad) for start, _ in spans]
    ends = [min(duration, end + pad) for _, end in spans]
    for i in range(len(spans) - 1):
        gap = spans[i + 1][0] - spans[i][1]
        if gap < 2 * pad:
            middle = spans[i][1] + gap / 2
            ends[i] = middle
            starts[i + 1] = middle
    return [SpeechSpan(start, end) for start, end in zip(starts, ends, strict=True)]


def total_speech(spans: Iterable[SpeechSpan]) -> float:
    """Seconds of speech in `spans` (assumed non-overlapping)."""
    return sum(span.duration for span in spans)
