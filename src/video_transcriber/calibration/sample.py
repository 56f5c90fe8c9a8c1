"""The calibration sample: real speech that ships with the package, laid out as chunks.

`data/ljspeech_sample.ogg` is 38 s of public-domain read English (LJSpeech, see
`data/README.md`). `build_sample` decodes it once, lays `copies` of it end to end with a pause
between them into a PCM file (the format workers read), finds the speech in it with the
service's own detector (`pipeline.speech_map.detect_speech`), and makes one chunk per copy, plus a
short warm-up chunk (the first speech span). So calibration runs exactly what a job runs —
decode windows, batching, the coverage check — on the same audio for every pool shape, with no
network and no corpus beside the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from video_transcriber.config import Settings
from video_transcriber.domain import SAMPLE_RATE, Chunk, SpeechSpan
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.pcm import PcmAudio, to_int16
from video_transcriber.pipeline.speech_map import detect_speech

SAMPLE_FILE = "ljspeech_sample.ogg"
PAUSE_SECONDS = 2.0
"""Silence between copies, so each copy is its own chunk, cut in a pause as a job would be."""
WARMUP_SECONDS = 3.0
"""The warm-up chunk is the first speech span, at most this long."""


@dataclass(frozen=True, slots=True)
class Sample:
    """The sample's PCM file, its chunks (one per copy) and the warm-up chunk."""

    pcm_path: Path
    chunks: tuple[Chunk, ...]
    warmup: Chunk

    @property
    def media_seconds(self) -> float:
        return sum(chunk.end - chunk.start for chunk in self.chunks)

    @property
    def speech_seconds(self) -> float:
        return sum(chunk.speech_seconds for chunk in self.chunks)


def sample_path() -> Path:
    """Where the packaged clip is (inside the installed package)."""
    return Path(str(resources.files("video_transcriber.calibration") / "data" / SAMPLE_FILE))


def build_sample(work_dir: Path, settings: Settings, *, copies: int) -> Sample:
    """`copies` copies of the packaged clip in `work_dir/sample.pcm`, chunked as a job would be."""
    if copies < 1:
        raise ValueError("a calibration sample needs at least one copy of the clip")
    clip = np.concatenate(list(iter_audio(sample_path())))
    pause = np.zeros(int(PAUSE_SECONDS * SAMPLE_RATE), dtype=np.float32)
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / "sample.pcm"
    with path.open("wb") as out:
        for index in range(copies):
            out.write(to_int16(clip).tobytes())
            if index < copies - 1:
                out.write(to_int16(pause).tobytes())
    speech = detect_speech(PcmAudio(path), settings).speech
    period = (len(clip) + len(pause)) / SAMPLE_RATE
    chunks = tuple(_copy_chunks(speech, period, copies))
    first = chunks[0].speech[0]
    warm_span = SpeechSpan(first.start, min(first.end, first.start + WARMUP_SECONDS))
    warmup = Chunk(index=copies, start=warm_span.start, end=warm_span.end, speech=(warm_span,))
    return Sample(path, chunks, warmup)


def _copy_chunks(speech: tuple[SpeechSpan, ...], period: float, copies: int) -> list[Chunk]:
    """One chunk per copy: the speech spans whose middle lies inside it (padding may start a
    span a little before its copy)."""
    chunks: list[Chunk] = []
    for index in range(copies):
        spans = tuple(s for s in speech if index <= (s.start + s.end) / 2 / period < index + 1)
        if not spans:
            raise RuntimeError(
                "Speech detection found no speech in the calibration sample; the package's "
                f"{SAMPLE_FILE} may be damaged: reinstall video-transcriber."
            )
        chunks.append(Chunk(index, spans[0].start, spans[-1].end, spans))
    return chunks
