"""Fake worker handlers for pool tests: importable by spawned workers, no model involved.

The task's `audio_path` is used as a log file: each handler appends `job index start end pid`,
which lets tests see the order and overlap of execution across processes. The chunk's time range
sets how long the fake "transcription" takes (`chunk.end - chunk.start` tenths of a second), and
a few chunk indexes trigger failures.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult, Segment
from video_transcriber.errors import ModelError
from video_transcriber.executors.pool_worker import WorkerSpec
from video_transcriber.pipeline.chunk_task import ChunkTask

CRASH_ONCE = 900
"""Chunk index whose first attempt kills the worker process."""
CRASH_ALWAYS = 901
"""Chunk index that kills every worker that runs it."""
RAISE = 902
"""Chunk index whose handler raises ValueError."""


def sleepy_factory(settings: Settings, spec: WorkerSpec) -> Callable[[ChunkTask], ChunkResult]:
    del settings, spec

    def handle(task: ChunkTask) -> ChunkResult:
        chunk = task.chunk
        started = time.time()
        if chunk.index == CRASH_ALWAYS:
            os._exit(3)
        if chunk.index == CRASH_ONCE:
            marker = task.audio_path.with_suffix(f".crashed-{task.job_id}")
            if not marker.exists():
                marker.touch()
                os._exit(3)
        if chunk.index == RAISE:
            raise ValueError("this chunk is cursed")
        time.sleep((chunk.end - chunk.start) / 10)
        with task.audio_path.open("a") as log:
            log.write(f"{task.job_id} {chunk.index} {started} {time.time()} {os.getpid()}\n")
        text = f"{task.job_id}:{chunk.index}"
        return ChunkResult(chunk.index, (Segment(chunk.start, chunk.end, text),), "en", 0.0)

    return handle


def broken_factory(settings: Settings, spec: WorkerSpec) -> Callable[[ChunkTask], ChunkResult]:
    raise ModelError("the model is missing; set VT_MODEL__NAME")
