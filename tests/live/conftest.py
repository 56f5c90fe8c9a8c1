"""Live-engine fixtures: one warm live decoder per session, and real speech laid out as a stream
(clips with pauses between them, as int16 PCM bytes) with the clips' references and places."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from testkit.evaluation.corpus import Clip
from testkit.evaluation.lecture import clip_samples
from video_transcriber.config import Settings
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.live.decoder import LiveDecoder
from video_transcriber.media.pcm import to_int16

STREAM_CLIPS = ("jfk_inaugural_excerpt.flac", "librispeech_1089-134686-0000.flac")
"""21 s of speech, two speakers, with a pause between them: two utterance ends."""
PAUSE_SECONDS = 1.5


@dataclass(frozen=True, slots=True)
class SpeechStream:
    pcm: bytes
    reference: str
    spans: tuple[tuple[float, float], ...]
    """Where each clip's audio lies in the stream (seconds)."""

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / SAMPLE_RATE


def speech_stream(clips: list[Clip], pause: float = PAUSE_SECONDS) -> SpeechStream:
    parts: list[np.ndarray] = []
    spans: list[tuple[float, float]] = []
    at = 0.0
    silence = np.zeros(round(pause * SAMPLE_RATE), dtype=np.float32)
    for clip in clips:
        samples = clip_samples(clip)
        parts += [silence, samples]
        at += pause
        spans.append((at, at + samples.size / SAMPLE_RATE))
        at += samples.size / SAMPLE_RATE
    parts.append(silence)
    pcm = to_int16(np.concatenate(parts)).tobytes()
    return SpeechStream(pcm, " ".join(c.reference for c in clips), tuple(spans))


@pytest.fixture(scope="session")
def live_settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def live_decoder(live_settings: Settings) -> LiveDecoder:
    return LiveDecoder(live_settings.model, live_settings.live)


@pytest.fixture(scope="session")
def two_clip_stream(corpus: list[Clip]) -> SpeechStream:
    by_name = {c.name: c for c in corpus}
    return speech_stream([by_name[name] for name in STREAM_CLIPS])


def frames(pcm: bytes, seed: int = 0) -> list[bytes]:
    """`pcm` cut into frames of uneven sizes (odd byte counts included), as a client may send."""
    rng = np.random.default_rng(seed)
    out: list[bytes] = []
    at = 0
    while at < len(pcm):
        size = int(rng.integers(1, 6400))
        out.append(pcm[at : at + size])
        at += size
    return out
