"""Speaker embeddings computed where a chunk is transcribed (warm pool or Celery worker).

A worker already holds the chunk's audio; embedding its speech there spreads the encoder's cost
over every worker (scale-out: the API machine only clusters, which takes milliseconds) and, in
the warm pool, overlaps it with other chunks' decoding. The worker returns one `Voice` per
window, 512 bytes of float16 each (a 10-minute lecture: ~0.4 MB in all); the pipeline clusters
them (`speakers.diarize.Diarizer.from_voices`).

Loudness is brought up per chunk instead of per recording, and background spans are judged
within the chunk: chunks are minutes long, so this changes little (bench/speakers.py measures
the local path; tests/speakers/test_chunk_voices.py checks the two agree).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from video_transcriber.config import Settings, SpeakerSettings
from video_transcriber.domain import Chunk, ChunkResult, SpeechSpan, TranscribeOptions, Voice
from video_transcriber.speakers.assign import parse_request
from video_transcriber.speakers.encoder import VoiceEncoder
from video_transcriber.speakers.windows import (
    Window,
    audible,
    embed_windows,
    place_windows,
    span_levels,
    speech_gain,
)

_lock = threading.Lock()
_encoders: dict[str, VoiceEncoder] = {}


class ChunkAudio:
    """A chunk's samples addressed in absolute seconds (what `embed_windows` reads)."""

    def __init__(self, samples: np.ndarray, start: float, sample_rate: int = 16_000) -> None:
        self._samples = samples
        self._start = start
        self._rate = sample_rate

    @property
    def duration(self) -> float:
        return self._start + len(self._samples) / self._rate

    def read(self, start: float, end: float) -> np.ndarray:
        first = max(0, round((start - self._start) * self._rate))
        last = max(first, round((end - self._start) * self._rate))
        return np.asarray(self._samples[first:last], dtype=np.float32)


def worker_encoder(settings: SpeakerSettings) -> VoiceEncoder:
    """This process's encoder (one thread: the worker's cores are the model's)."""
    key = str(settings.weights)
    with _lock:
        if key not in _encoders:
            _encoders[key] = VoiceEncoder(settings.weights, threads=1, cache_dir=settings.cache_dir)
        return _encoders[key]


def encode(embedding: np.ndarray) -> str:
    return base64.b64encode(embedding.astype("<f2").tobytes()).decode("ascii")


def decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)


def chunk_voices(
    chunk: Chunk, samples: np.ndarray, settings: SpeakerSettings, encoder: VoiceEncoder
) -> tuple[Voice, ...]:
    """A `Voice` per window over the chunk's audible speech."""
    audio = ChunkAudio(samples, chunk.start)
    speech = list(chunk.speech)
    levels = span_levels(audio, speech)
    kept = [speech[i] for i in audible(speech, levels)]
    windows = place_windows(kept, settings.step_seconds)
    if not windows:
        return ()
    embeddings = embed_windows(audio, kept, windows, encoder, gain=speech_gain(speech, levels))
    return tuple(Voice(w.start, w.end, encode(e)) for w, e in zip(windows, embeddings, strict=True))


def with_voices(
    result: ChunkResult,
    chunk: Chunk,
    samples: np.ndarray,
    options: TranscribeOptions,
    settings: Settings,
) -> ChunkResult:
    """`result` with the chunk's voices when the job asked for speakers (else as it is)."""
    if parse_request(options.speakers) is None:
        return result
    encoder = worker_encoder(settings.speakers)
    return replace(result, voices=chunk_voices(chunk, samples, settings.speakers, encoder))


def windows_of(
    voices: Sequence[Voice], speech: Sequence[SpeechSpan]
) -> tuple[list[SpeechSpan], list[Window], np.ndarray]:
    """Spans, windows (in time order, indexed into those spans) and embeddings from voices."""
    ordered = sorted(voices, key=lambda v: v.start)
    spans: list[SpeechSpan] = []
    windows: list[Window] = []
    starts = [s.start for s in speech]
    index_of: dict[int, int] = {}
    for voice in ordered:
        position = max(0, int(np.searchsorted(starts, voice.start + 1e-6)) - 1)
        if position not in index_of:
            index_of[position] = len(spans)
            spans.append(speech[position])
        windows.append(Window(voice.start, voice.end, index_of[position]))
    embeddings = np.stack([decode(v.embedding) for v in ordered]) if ordered else np.zeros((0, 256))
    return spans, windows, embeddings
