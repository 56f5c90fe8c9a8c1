"""Which `ChunkExecutor` runs chunks: the warm local pool, or Celery workers (`executor=celery`).

The one place the choice is made, so the service, the tuning runner and the CLI agree. The Celery
executor is imported only when chosen: without the `celery` extra the local pool still works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from video_transcriber.config import Settings
from video_transcriber.pipeline.chunk_executor import ChunkExecutor

if TYPE_CHECKING:
    from video_transcriber.tuning.plan import ExecutionPlan


def make_executor(settings: Settings, plan: ExecutionPlan) -> ChunkExecutor:
    """`CeleryExecutor` if `settings.executor == "celery"`, else a `WarmPool` sized by `plan`."""
    if settings.executor == "celery":
        from video_transcriber.executors.celery_executor import CeleryExecutor

        return CeleryExecutor(settings)
    from video_transcriber.executors.local_pool import WarmPool

    return WarmPool(settings, plan)
