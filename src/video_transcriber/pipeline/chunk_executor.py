"""The seam between the pipeline and whatever runs chunk tasks.

`WarmPool` (local worker processes) implements it today; a Celery executor will implement it for
scale-out. The pipeline only ever sees this protocol, so it neither knows nor cares where the
model runs.

Executors also report when each task *starts* (`on_start`), so the service can count chunk
transcriptions begun, including those a crash cuts short. The hook is always called in the thread
that iterates `run()`, between results, never from an executor's own threads: callers may do
blocking work in it (the service writes to its store) without holding up dispatch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from video_transcriber.domain import ChunkResult
from video_transcriber.pipeline.chunk_task import ChunkTask

StartHook = Callable[[ChunkTask], None]
"""Called with a task when an executor starts it (see each executor for what 'starts' means)."""


@runtime_checkable
class ChunkExecutor(Protocol):
    """Runs chunk tasks and streams their results back in completion order."""

    def run(
        self, job_id: str, tasks: Sequence[ChunkTask], *, on_start: StartHook | None = None
    ) -> Iterator[ChunkResult]:
        """Yield one result per task, in whatever order they finish.

        Raises `CancelledError` if `cancel(job_id)` is called meanwhile, and the executor's error
        if a chunk cannot be transcribed. Closing the iterator early cancels the job's
        remaining tasks. Must be safe to call from several threads at once.

        `on_start` is called with each task as it starts (again if it is retried), in the thread
        iterating the results and before that task's result is yielded. If it raises, the
        iterator raises that error and the job's remaining tasks are cancelled.
        """
        ...

    def cancel(self, job_id: str) -> None:
        """Drop the job's queued tasks; results of tasks already running are discarded."""
        ...

    def close(self) -> None:
        """Stop the workers; jobs still running fail with `CancelledError`."""
        ...
