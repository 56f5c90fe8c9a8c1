"""The calibration sample: real speech from a recording on this machine, laid out as chunks.

Nothing ships with the package: the speech comes from `CalibrationSettings.sample` (any media
the pipeline reads, e.g. `tune --calibrate --sample lecture.mp4`), else from the newest job
media in `<data_dir>/media` (a service that has transcribed a lecture has real speech of its own
users). `build_sample` decodes the source's first `SEARCH_SECONDS`, finds speech in those
blocks with the service's own detector (`pipeline.speech_map.detect_speech_in`), keeps about
`CLIP_SECONDS` from the first speech on, and lays `copies` of that clip end to end with a pause
between them into a PCM file (the format workers read), one chunk per copy plus a short warm-up
chunk. So calibration
runs exactly what a job runs — decode windows, batching, the coverage check — on the same audio
for every pool shape, with no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from video_transcriber.config import Settings
from video_transcriber.domain import SAMPLE_RATE, Chunk, SpeechSpan
from video_transcriber.errors import CalibrationSampleError
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.pcm import to_float32, to_int16
from video_transcriber.pipeline.speech_map import detect_speech_in

SEARCH_SECONDS = 300.0
"""How much of the source is read to find speech (a lecture may open with minutes of silence)."""
BLOCK_SECONDS = 30.0
SEARCH_BLOCKS = int(SEARCH_SECONDS / BLOCK_SECONDS)
CLIP_SECONDS = 40.0
"""The clip runs from the first speech to the end of the last span that ends within this."""
MIN_SPEECH_SECONDS = 10.0
"""Less speech than this in the clip measures start-up more than throughput: refused."""
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


def sample_source(settings: Settings) -> Path:
    """The recording calibration takes its speech from (see the module's note)."""
    if settings.calibration.sample is not None:
        if not settings.calibration.sample.is_file():
            raise CalibrationSampleError(
                f"The calibration sample {settings.calibration.sample} does not exist: point "
                "VT_CALIBRATION__SAMPLE (or --sample) at a recording with speech."
            )
        return settings.calibration.sample
    media = DataLayout(Path(settings.service.data_dir)).media
    recordings = [path for path in media.glob("*") if path.is_file()] if media.is_dir() else []
    if not recordings:
        raise CalibrationSampleError(
            "Calibration needs a recording with speech on this machine: pass --sample FILE "
            "(VT_CALIBRATION__SAMPLE), or transcribe a lecture first and calibrate again."
        )
    return max(recordings, key=lambda path: path.stat().st_mtime)


def build_sample(work_dir: Path, settings: Settings, *, copies: int) -> Sample:
    """`copies` copies of the source's speech clip in `work_dir/sample.pcm`, chunked as a job
    would be."""
    if copies < 1:
        raise ValueError("a calibration sample needs at least one copy of the clip")
    work_dir.mkdir(parents=True, exist_ok=True)
    clip, spans = _speech_clip(sample_source(settings), settings)
    pause = np.zeros(int(PAUSE_SECONDS * SAMPLE_RATE), dtype=np.float32)
    path = work_dir / "sample.pcm"
    with path.open("wb") as out:
        for index in range(copies):
            out.write(to_int16(clip).tobytes())
            if index < copies - 1:
                out.write(to_int16(pause).tobytes())
    period = (len(clip) + len(pause)) / SAMPLE_RATE
    chunks = tuple(_copy_chunk(index, spans, index * period) for index in range(copies))
    first = spans[0]
    warm_span = SpeechSpan(first.start, min(first.end, first.start + WARMUP_SECONDS))
    warmup = Chunk(index=copies, start=warm_span.start, end=warm_span.end, speech=(warm_span,))
    return Sample(path, chunks, warmup)


def _speech_clip(source: Path, settings: Settings) -> tuple[np.ndarray, tuple[SpeechSpan, ...]]:
    """About `CLIP_SECONDS` of `source` from its first speech on, and the speech spans in it
    (seconds from the clip's start)."""
    blocks = [
        to_int16(block)  # what a job's PCM file holds, and so what its detector hears
        for block in islice(iter_audio(source, block_seconds=BLOCK_SECONDS), SEARCH_BLOCKS)
    ]
    head = to_float32(np.concatenate(blocks)) if blocks else np.zeros(0, dtype=np.float32)
    speech = detect_speech_in(blocks, settings, duration=len(head) / SAMPLE_RATE).speech
    if not speech:
        raise CalibrationSampleError(
            f"No speech in the first {SEARCH_SECONDS / 60:g} minutes of {source.name}: "
            "calibrate on a recording with speech (--sample FILE)."
        )
    start = speech[0].start
    kept = [span for span in speech if span.end <= start + CLIP_SECONDS] or [speech[0]]
    spans = tuple(SpeechSpan(span.start - start, span.end - start) for span in kept)
    if sum(span.duration for span in spans) < MIN_SPEECH_SECONDS:
        raise CalibrationSampleError(
            f"{source.name} has under {MIN_SPEECH_SECONDS:g} s of speech near its start: "
            "calibrate on a recording with more speech (--sample FILE)."
        )
    clip = head[round(start * SAMPLE_RATE) : round(kept[-1].end * SAMPLE_RATE)]
    return clip, spans


def _copy_chunk(index: int, spans: tuple[SpeechSpan, ...], offset: float) -> Chunk:
    """Copy `index` of the clip, `offset` seconds into the sample: its spans moved there."""
    moved = tuple(SpeechSpan(s.start + offset, s.end + offset) for s in spans)
    return Chunk(index, moved[0].start, moved[-1].end, moved)
