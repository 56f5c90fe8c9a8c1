"""The seam between the pipeline and whatever runs chunk tasks.

`WarmPool` (local worker processes) implements it today; a Celery executor will implement it for
scale-out. The pipeline only ever sees this protocol, so it neither knows nor cares where the
model runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from video_transcriber.domain import ChunkResult
from video_transcriber.jobs.tasks import ChunkTask


@runtime_checkable
class ChunkExecutor(Protocol):
    """Runs chunk tasks and streams their results back in completion order."""

    def run(self, job_id: str, tasks: Sequence[ChunkTask]) -> Iterator[ChunkResult]:
        """Yield one result per task, in whatever order they finish.

        Raises `CancelledError` if `cancel(job_id)` is called meanwhile, and the executor's error
        if a chunk cannot be transcribed. Closing the iterator early cancels the job's
        remaining tasks. Must be safe to call from several threads at once.
        """
        ...

    def cancel(self, job_id: str) -> None:
        """Drop the job's queued tasks; results of tasks already running are discarded."""
        ...

    def close(self) -> None:
        """Stop the workers; jobs still running fail with `CancelledError`."""
        ...
