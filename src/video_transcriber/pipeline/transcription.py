"""One media file → one transcript: decode, find speech, chunk, transcribe, stitch.

Each step streams, so memory stays flat whatever the duration: the decoder writes 16 kHz int16
PCM to `work_dir` block by block, voice activity detection scores the same blocks in a second
thread as they are written (`pipeline.speech_map`; keeping only one probability per 32 ms frame —
about 1.3 MB for three hours), and workers read their own chunk's slice from the file. The whole
decoded audio is never in this process's memory.

Chunks already in `done` (results a crashed or restarted job had committed) are not run again;
`on_chunk` is called for each new result as it arrives, which is where the service checkpoints.
When the options ask for speakers (`speakers`: "auto" or a count), the stitched segments go
through the diarization stage (`speakers.stage`): the workers embed each chunk's speech beside
its text (`speakers.chunk_voices`), this process only clusters; decoding gets word timings so
segments can be split where the speaker changes.
Progress is reported over seconds of *speech* transcribed, because silence costs almost nothing,
with an ETA from the throughput measured so far in this run, blended with `expected_rate` (what
this machine and model usually do, `tuning.history.Eta`) when the caller knows it.
`on_timing(chunk, result)` sees each new result with its chunk, for the chunk-timing history.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from video_transcriber.config import Settings
from video_transcriber.domain import (
    Chunk,
    ChunkResult,
    Progress,
    Stage,
    TranscribeOptions,
    Transcript,
)
from video_transcriber.media.pcm import PcmAudio
from video_transcriber.pipeline.chunk_executor import ChunkExecutor
from video_transcriber.pipeline.chunk_task import ChunkTask
from video_transcriber.pipeline.meter import Meter
from video_transcriber.pipeline.speech_map import decode_with_speech
from video_transcriber.pipeline.stitch import main_language, stitch
from video_transcriber.segmentation.chunking import plan_chunks
from video_transcriber.segmentation.speech import total_speech
from video_transcriber.speakers.assign import parse_request
from video_transcriber.speakers.stage import label_speakers
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.plan import ExecutionPlan, MediaFacts
from video_transcriber.tuning.plan import plan as make_plan

ProgressHook = Callable[[Progress], None]
ChunkHook = Callable[[ChunkResult], None]
ChunkStartHook = Callable[[int], None]
"""Called with a chunk's index each time the executor starts transcribing it."""
TimingHook = Callable[[Chunk, ChunkResult], None]
"""Called with each new result and the chunk it is of (speech seconds, media seconds)."""

PCM_FILE = "audio.pcm"
"""Name of the decoded audio inside `work_dir`."""
_NO_RESULTS: Mapping[int, ChunkResult] = MappingProxyType({})


def transcribe_media(
    path: Path,
    *,
    settings: Settings,
    options: TranscribeOptions,
    executor: ChunkExecutor,
    work_dir: Path,
    done: Mapping[int, ChunkResult] = _NO_RESULTS,
    on_progress: ProgressHook | None = None,
    on_chunk: ChunkHook | None = None,
    on_chunk_start: ChunkStartHook | None = None,
    plan: ExecutionPlan | None = None,
    job_id: str | None = None,
    expected_rate: float | None = None,
    on_timing: TimingHook | None = None,
) -> Transcript:
    """Transcribe `path`; raises the `MediaError` decoding found or the executor's error.

    `plan` fixes the chunk length (pass the same plan to resume with `done`); without one it is
    planned for this machine and this media. `job_id` names the work in the executor; by default
    a fresh id derived from `work_dir`. `expected_rate` is seconds of speech per wall second
    this machine is known to manage (None: the ETA comes from this run's pace alone).
    """
    report = _Reporter(on_progress)
    speakers = parse_request(options.speakers or settings.speakers.default)
    if speakers is not None:  # workers embed voices; segments are split at word timings
        asked = str(speakers.count or "auto")
        options = replace(options, word_timestamps=True, speakers=asked)
    timings: dict[str, float] = {}
    started = time.monotonic()
    report(Progress(Stage.DECODING))
    pcm, speech = decode_with_speech(
        Path(path),
        Path(work_dir) / PCM_FILE,
        settings,
        on_progress=lambda _: report(Progress(Stage.DECODING)),
        on_decoded=lambda: report(Progress(Stage.DETECTING_SPEECH)),
    )
    timings["decode_and_vad"] = time.monotonic() - started
    duration = pcm.duration
    if plan is None:
        seconds = total_speech(speech.speech) + total_speech(speech.faint)
        plan = make_plan(
            read_system_facts(), MediaFacts(duration, seconds), settings.tuning, settings.model
        )
    chunks = plan_chunks(
        speech.speech,
        faint=speech.faint,
        duration=duration,
        target_seconds=plan.chunk_seconds,
        max_seconds=settings.tuning.max_chunk_seconds,
    )
    mark = time.monotonic()
    results = _run_chunks(
        chunks,
        pcm,
        options,
        executor,
        done=done,
        job_id=job_id or f"{Path(work_dir).name}-{uuid.uuid4().hex[:8]}",
        report=report,
        on_chunk=on_chunk,
        on_chunk_start=on_chunk_start,
        expected_rate=expected_rate,
        on_timing=on_timing,
        workers=plan.workers,
    )
    timings["transcribe"] = time.monotonic() - mark
    report(Progress(Stage.FINALIZING, 100.0, len(chunks), len(chunks), 0.0))
    fallback = options.language or settings.model.language or "en"
    segments = stitch(results, duration=duration)
    if speakers is not None:
        mark = time.monotonic()
        segments, _ = label_speakers(
            pcm, speech.speech, segments, speakers, settings.speakers, results=results
        )
        timings["speakers"] = time.monotonic() - mark
    transcript = Transcript(
        segments=segments,
        language=main_language(results, fallback),
        duration=duration,
        model=options.model or settings.model.name,
        plan={**plan.to_dict(), "chunks": len(chunks)},
        timings=timings,
    )
    timings["total"] = time.monotonic() - started
    report(Progress(Stage.DONE, 100.0, len(chunks), len(chunks), 0.0))
    return transcript


def reusable(chunks: list[Chunk], done: Mapping[int, ChunkResult]) -> dict[int, ChunkResult]:
    """The `done` results that still fit this chunk plan (same index, segments inside the chunk).

    A result whose segments fall outside its chunk comes from a different plan; it is run again
    rather than stitched in the wrong place.
    """
    kept: dict[int, ChunkResult] = {}
    for chunk in chunks:
        result = done.get(chunk.index)
        if result is None:
            continue
        tolerance = 1.0
        inside = all(
            chunk.start - tolerance <= seg.start and seg.end <= chunk.end + tolerance
            for seg in result.segments
        )
        if inside:
            kept[chunk.index] = result
    return kept


def _run_chunks(
    chunks: list[Chunk],
    pcm: PcmAudio,
    options: TranscribeOptions,
    executor: ChunkExecutor,
    *,
    done: Mapping[int, ChunkResult],
    job_id: str,
    report: _Reporter,
    on_chunk: ChunkHook | None,
    on_chunk_start: ChunkStartHook | None,
    expected_rate: float | None = None,
    on_timing: TimingHook | None = None,
    workers: int = 1,
) -> list[ChunkResult]:
    results = reusable(chunks, done)
    meter = Meter(chunks, results, expected_rate=expected_rate, workers=workers)
    by_index = {chunk.index: chunk for chunk in chunks}
    report(meter.progress())
    todo = [
        ChunkTask(job_id, chunk, pcm.path, options)
        for chunk in chunks
        if chunk.index not in results and chunk.has_audio_to_decode
    ]
    for chunk in chunks:  # a chunk without speech has nothing to send to a worker
        if not chunk.has_audio_to_decode and chunk.index not in results:
            results[chunk.index] = ChunkResult(chunk.index, (), options.language or "", 0.0)

    def started(task: ChunkTask) -> None:
        meter.started(task.chunk.index)
        if on_chunk_start is not None:
            on_chunk_start(task.chunk.index)

    for result in executor.run(job_id, todo, on_start=started):
        results[result.chunk_index] = result
        meter.finished(result)
        if on_chunk is not None:
            on_chunk(result)
        if on_timing is not None and result.chunk_index in by_index:
            on_timing(by_index[result.chunk_index], result)
        report(meter.progress())
    return [results[chunk.index] for chunk in chunks]


class _Reporter:
    """Calls the progress hook, if any, skipping exact repeats; the hook may raise to abort."""

    def __init__(self, hook: ProgressHook | None) -> None:
        self._hook = hook
        self._last: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        if self._hook is not None and progress != self._last:
            self._last = progress
            self._hook(progress)
