"""A deliberately slow real worker, for the calibration test's injected slow shape.

Importable by spawned pool workers: the factory loads the real transcriber and sleeps before each
chunk, so the shape it serves is slower by a known amount whatever the machine's load.
"""

from __future__ import annotations

import time

from video_transcriber.config import Settings
from video_transcriber.executors.pool_worker import ChunkHandler, WorkerSpec, load_transcriber
from video_transcriber.pipeline.chunk_task import ChunkTask

SLOW_SECONDS = 6.0
"""Added to every chunk of the slow shape (warm-up chunks included)."""


def slow_transcriber(settings: Settings, spec: WorkerSpec) -> ChunkHandler:
    real = load_transcriber(settings, spec)

    def handle(task: ChunkTask):  # type: ignore[no-untyped-def]
        time.sleep(SLOW_SECONDS)
        return real(task)

    return handle
