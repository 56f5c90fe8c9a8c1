"""Where voices are sampled: 1.6 s windows over the speech spans, and their embeddings.

Every speech span gets windows of the encoder's partial length (1.6 s) starting `step` apart;
the last one ends where the span ends, so the span's end is heard too. A span shorter than a
window gets one window, zero-padded at the end, as Resemblyzer pads a short utterance.

Loudness: the encoder reads power mels, so the whole recording gets one gain that brings its
speech to -30 dBFS (never lowered), Resemblyzer's `preprocess_wav` over the speech alone.
Spans 30 dB or more under the main speech are background (`audible`) and get no windows.

Memory: spans are read one at a time and partials go to the encoder in batches, so a 3-hour
recording holds one span's audio and one batch of mels at once; what stays is 1 kB per window.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from video_transcriber.domain import SpeechSpan
from video_transcriber.speakers.features import (
    HOP,
    PARTIAL_FRAMES,
    SAMPLE_RATE,
    TARGET_DBFS,
    mel_frames,
)

if TYPE_CHECKING:
    from video_transcriber.speakers.encoder import VoiceEncoder

WINDOW_SECONDS = PARTIAL_FRAMES * HOP / SAMPLE_RATE
"""1.6 s: what the encoder was trained on."""
BATCH_PARTIALS = 256
"""Partials gathered before each encoder call (10 MB of mels)."""
BACKGROUND_DB = 30.0


class AudioSource(Protocol):
    """What diarization reads: `media.pcm.PcmAudio` or an array wrapped the same way."""

    @property
    def duration(self) -> float: ...

    def read(self, start: float, end: float) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Window:
    """One sampled stretch of a speech span (absolute seconds)."""

    start: float
    end: float
    span: int
    """Index of the speech span it lies in."""

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


def place_windows(spans: Sequence[SpeechSpan], step: float) -> list[Window]:
    """Windows over every span, in time order."""
    windows: list[Window] = []
    for index, span in enumerate(spans):
        if span.duration <= WINDOW_SECONDS:
            windows.append(Window(span.start, span.end, index))
            continue
        count = int(np.ceil((span.duration - WINDOW_SECONDS) / step)) + 1
        starts = [span.start + i * step for i in range(count - 1)] + [span.end - WINDOW_SECONDS]
        windows += [Window(s, s + WINDOW_SECONDS, index) for s in starts]
    return windows


def span_levels(audio: AudioSource, spans: Sequence[SpeechSpan]) -> np.ndarray:
    """Mean power of each span's audio, in dBFS (-200 for digital silence)."""
    levels = np.full(len(spans), -200.0)
    for index, span in enumerate(spans):
        samples = audio.read(span.start, span.end).astype(np.float64)
        power = float(np.mean(samples**2)) if len(samples) else 0.0
        if power > 0:
            levels[index] = 10 * np.log10(power)
    return levels


def audible(spans: Sequence[SpeechSpan], levels: np.ndarray) -> list[int]:
    """Indices of the spans within `BACKGROUND_DB` of the main speech level (the level that
    90 % of the speech time is quieter than). Speech detection levels the audio so that quiet
    voices are heard; in a meeting room that also finds chatter 30 dB and more under the
    people at the table, which is background, not a speaker."""
    if len(spans) == 0:
        return []
    durations = np.array([span.duration for span in spans])
    order = np.argsort(levels)
    cumulative = np.cumsum(durations[order]) / durations.sum()
    main = levels[order][min(len(order) - 1, int(np.searchsorted(cumulative, 0.9)))]
    return [i for i in range(len(spans)) if levels[i] >= main - BACKGROUND_DB]


def speech_gain(spans: Sequence[SpeechSpan], levels: np.ndarray) -> float:
    """The factor that brings the speech's RMS to -30 dBFS, at least 1."""
    durations = np.array([span.duration for span in spans])
    if len(spans) == 0 or durations.sum() == 0 or levels.max() <= -200.0:
        return 1.0
    rms_dbfs = 10 * np.log10(np.sum(10 ** (levels / 10) * durations) / durations.sum())
    return float(max(1.0, 10 ** ((TARGET_DBFS - rms_dbfs) / 20)))


def _span_partials(
    audio: AudioSource, span: SpeechSpan, windows: Sequence[Window], gain: float
) -> np.ndarray:
    samples = audio.read(span.start, span.end) * np.float32(gain)
    needed = round(WINDOW_SECONDS * SAMPLE_RATE) + HOP
    if len(samples) < needed:
        samples = np.pad(samples, (0, needed - len(samples)))
    mel = mel_frames(samples)
    partials = []
    for window in windows:
        first = min(
            round((window.start - span.start) * SAMPLE_RATE / HOP), len(mel) - PARTIAL_FRAMES
        )
        partials.append(mel[max(0, first) : max(0, first) + PARTIAL_FRAMES])
    return np.stack(partials)


def _partials(
    audio: AudioSource, spans: Sequence[SpeechSpan], windows: Sequence[Window], gain: float
) -> Iterator[np.ndarray]:
    by_span: dict[int, list[Window]] = {}
    for window in windows:
        by_span.setdefault(window.span, []).append(window)
    for index, members in by_span.items():
        yield _span_partials(audio, spans[index], members, gain)


def embed_windows(
    audio: AudioSource,
    spans: Sequence[SpeechSpan],
    windows: Sequence[Window],
    encoder: VoiceEncoder,
    *,
    gain: float = 1.0,
) -> np.ndarray:
    """(len(windows), 256) embeddings, in the windows' order, of the audio times `gain`."""
    out: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    held = 0
    for partials in _partials(audio, spans, windows, gain):
        pending.append(partials)
        held += len(partials)
        if held >= BATCH_PARTIALS:
            out.append(encoder.embed_partials(np.concatenate(pending)))
            pending, held = [], 0
    if pending:
        out.append(encoder.embed_partials(np.concatenate(pending)))
    return np.concatenate(out) if out else np.zeros((0, 256), dtype=np.float32)
