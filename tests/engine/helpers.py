"""Helpers for engine tests: clip audio, VAD spans, clips laid out as a small lecture.

Clips are decoded with faster-whisper's `decode_audio` (`tests.signals.clip_samples`) and speech
is found with its Silero `get_speech_timestamps`, so these tests depend on neither `media` nor
`engine.vad`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from testkit.evaluation.corpus import Clip
from tests.signals import clip_samples
from video_transcriber.domain import SAMPLE_RATE, Chunk, SpeechSpan


@dataclass(frozen=True)
class Placed:
    """Clips laid end to end with pauses: the audio and where each clip sits."""

    audio: np.ndarray
    placements: tuple[tuple[float, float], ...]
    references: tuple[str, ...]


def vad_spans(audio: np.ndarray, offset: float = 0.0) -> list[SpeechSpan]:
    """Speech spans with the project's VAD defaults (threshold 0.5, 500 ms silence, 200 ms pad)."""
    options = VadOptions(threshold=0.5, min_silence_duration_ms=500, speech_pad_ms=200)
    return [
        SpeechSpan(offset + s["start"] / SAMPLE_RATE, offset + s["end"] / SAMPLE_RATE)
        for s in get_speech_timestamps(audio, options)
    ]


def place(clips: Sequence[Clip], pauses: Sequence[float], lead: float = 0.5) -> Placed:
    """`clips` with `pauses[i]` seconds of silence before clip i (after `lead` s of silence)."""
    parts = [np.zeros(int(lead * SAMPLE_RATE), dtype=np.float32)]
    placements = []
    cursor = lead
    for clip, pause in zip(clips, pauses, strict=True):
        audio = clip_samples(clip)
        parts += [np.zeros(int(pause * SAMPLE_RATE), dtype=np.float32), audio]
        start = cursor + int(pause * SAMPLE_RATE) / SAMPLE_RATE
        cursor = start + len(audio) / SAMPLE_RATE
        placements.append((start, cursor))
    parts.append(np.zeros(SAMPLE_RATE, dtype=np.float32))
    return Placed(np.concatenate(parts), tuple(placements), tuple(c.reference for c in clips))


def whole_chunk(audio: np.ndarray, start: float = 0.0, index: int = 0) -> Chunk:
    """One chunk over all of `audio` (which begins at `start` seconds), with its VAD spans."""
    end = start + len(audio) / SAMPLE_RATE
    return Chunk(index, start, end, tuple(vad_spans(audio, start)))
