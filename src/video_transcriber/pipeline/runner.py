"""The seam between the job manager and the transcription pipeline.

`JobRunner` is what the manager drives: transcribe one media file (resuming from stored chunk
results) and cancel a job's work. `PipelineRunner` is the real one, over `pipeline.transcription`
and a shared chunk executor (the warm pool); tests pass a fake so the service can be exercised
without a model, the way httpx tests use a mock transport.

With a `ChunkHistory` (the service passes `calibration.machine.MachineHistory`), every chunk's
timing is recorded and each job's ETA starts from the rate this machine is known to manage.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from video_transcriber.config import ModelSettings, Settings
from video_transcriber.domain import Chunk, ChunkResult, TranscribeOptions, Transcript
from video_transcriber.errors import CancelledError
from video_transcriber.pipeline.chunk_executor import ChunkExecutor, StartHook
from video_transcriber.pipeline.chunk_task import ChunkTask
from video_transcriber.pipeline.transcription import (
    ChunkHook,
    ChunkStartHook,
    ProgressHook,
    TimingHook,
    transcribe_media,
)
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.plan import ExecutionPlan, MediaFacts, plan


@dataclass(frozen=True, slots=True)
class RunRequest:
    """One run of one job: the media, its options, where to work, what is already done (stored
    chunk results, skipped), the job's chunk length, and the hooks called from the job thread:
    `on_chunk_start(chunk_index)` as each chunk transcription starts (again for a retry),
    `on_chunk(result)` as each finishes."""

    job_id: str
    path: Path
    options: TranscribeOptions
    work_dir: Path
    done: Mapping[int, ChunkResult]
    chunk_seconds: float
    on_progress: ProgressHook
    on_chunk: ChunkHook
    on_chunk_start: ChunkStartHook


class ChunkHistory(Protocol):
    """Where chunk timings go and expected rates come from (`calibration.machine`)."""

    def expected_rate(
        self, model: ModelSettings, workers: int, threads: int
    ) -> tuple[float | None, str]: ...

    def record(
        self,
        job_id: str,
        execution: ExecutionPlan,
        model: ModelSettings,
        chunk: Chunk,
        result: ChunkResult,
    ) -> None: ...


class JobRunner(Protocol):
    def chunk_seconds(self, duration: float | None) -> float:
        """The chunk length for new media of this duration; stored with the job so a resumed
        job is cut exactly as before and its stored chunk results still fit."""
        ...

    def transcribe(self, request: RunRequest) -> Transcript:
        """Transcribe `request.path`, skipping chunks in `request.done`."""
        ...

    def cancel(self, job_id: str) -> None:
        """Stop the job's chunk work soon; `transcribe` then raises `CancelledError`."""
        ...

    def describe(self) -> dict[str, Any]:
        """Facts about the execution (workers, chunk seconds) for job metrics."""
        ...

    def close(self) -> None: ...


class _JobExecutor:
    """The shared executor as one job sees it: remembers the ids the pipeline runs under, so the
    manager can cancel by job id whatever id the pipeline chose, and refuses work once cancelled."""

    def __init__(self, inner: ChunkExecutor) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._run_ids: set[str] = set()
        self._cancelled = False

    def run(
        self, job_id: str, tasks: Sequence[ChunkTask], *, on_start: StartHook | None = None
    ) -> Iterator[ChunkResult]:
        with self._lock:
            if self._cancelled:
                raise CancelledError("The job was cancelled.")
            self._run_ids.add(job_id)
        return self._inner.run(job_id, tasks, on_start=on_start)

    def cancel(self, job_id: str | None = None) -> None:
        with self._lock:
            self._cancelled = True
            run_ids = list(self._run_ids)
        for run_id in run_ids:
            self._inner.cancel(run_id)

    def close(self) -> None:
        """The pool is shared; closing it is the runner's business, not one job's."""


class PipelineRunner:
    """`pipeline.transcription.transcribe_media` over a shared executor, one call per job thread.

    `plan` is the service's execution plan (the one the pool was sized with); each job gets a
    copy with its own chunk length, planned once for its media and then kept.
    """

    def __init__(
        self,
        settings: Settings,
        executor: ChunkExecutor,
        plan: ExecutionPlan,
        *,
        history: ChunkHistory | None = None,
    ) -> None:
        self._settings = settings
        self._history = history
        self._executor = executor
        self._plan = plan
        self._lock = threading.Lock()
        self._jobs: dict[str, _JobExecutor] = {}

    def transcribe(self, request: RunRequest) -> Transcript:
        scoped = _JobExecutor(self._executor)
        with self._lock:
            self._jobs[request.job_id] = scoped
        rate, on_timing = self._history_hooks(request.job_id)
        try:
            return transcribe_media(
                request.path,
                settings=self._settings,
                options=request.options,
                executor=scoped,
                work_dir=request.work_dir,
                done=request.done,
                on_progress=request.on_progress,
                on_chunk=request.on_chunk,
                on_chunk_start=request.on_chunk_start,
                plan=replace(self._plan, chunk_seconds=request.chunk_seconds),
                job_id=request.job_id,
                expected_rate=rate,
                on_timing=on_timing,
            )
        finally:
            with self._lock:
                self._jobs.pop(request.job_id, None)

    def _history_hooks(self, job_id: str) -> tuple[float | None, TimingHook | None]:
        history, execution, model = self._history, self._plan, self._settings.model
        if history is None:
            return None, None
        rate, _ = history.expected_rate(model, execution.workers, execution.threads_per_worker)

        def on_timing(chunk: Chunk, result: ChunkResult) -> None:
            history.record(job_id, execution, model, chunk, result)

        return rate, on_timing

    def chunk_seconds(self, duration: float | None) -> float:
        media = None if duration is None else MediaFacts(duration)
        planned = plan(read_system_facts(), media, self._settings.tuning, self._settings.model)
        return float(planned.chunk_seconds)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            scoped = self._jobs.get(job_id)
        if scoped is not None:
            scoped.cancel()

    def describe(self) -> dict[str, Any]:
        return {"workers": self._plan.workers, "threads_per_worker": self._plan.threads_per_worker}

    def close(self) -> None:
        self._executor.close()
