"""Test doubles shared by the service tests: a `JobRunner` that needs no model, a wall clock."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from video_transcriber.domain import (
    ChunkResult,
    Progress,
    Segment,
    Stage,
    Transcript,
)
from video_transcriber.errors import CancelledError
from video_transcriber.media.probe import probe
from video_transcriber.pipeline.runner import RunRequest


class FakeRunner:
    """Cuts the media into `chunk_seconds` pieces and 'transcribes' each as one segment.

    Each chunk is reported started (`on_chunk_start`) before anything else happens to it.
    `gate`, when given, must be set before each started chunk finishes, so tests can hold a job
    mid-way with a chunk in flight.
    `fail_with` makes every job raise that error.
    """

    def __init__(
        self,
        *,
        chunk_seconds: float = 1.0,
        gate: threading.Event | None = None,
        fail_with: BaseException | None = None,
        delay: float = 0.0,
    ) -> None:
        self.seconds = chunk_seconds
        self.delay = delay
        self.gate = gate
        self.fail_with = fail_with
        self.cancelled: set[str] = set()
        self.transcribed: list[tuple[str, int]] = []
        self.closed = False
        self._lock = threading.Lock()

    def chunk_seconds(self, duration: float | None) -> float:
        return self.seconds

    def transcribe(self, request: RunRequest) -> Transcript:
        job_id, path, work_dir = request.job_id, request.path, request.work_dir
        done, chunk_seconds = request.done, request.chunk_seconds
        on_progress, on_chunk = request.on_progress, request.on_chunk
        self.cancelled.discard(job_id)
        duration = probe(path).duration
        work_dir.mkdir(parents=True, exist_ok=True)
        on_progress(Progress(Stage.DECODING))
        if self.fail_with is not None:
            raise self.fail_with
        total = max(1, math.ceil(duration / chunk_seconds))
        results = dict(done)
        for index in range(total):
            if index in results:
                continue
            request.on_chunk_start(index)
            self._wait(job_id)
            time.sleep(self.delay)
            start = index * chunk_seconds
            segment = Segment(start, min(duration, start + chunk_seconds), f"chunk {index}")
            result = ChunkResult(index, (segment,), "en", 0.01)
            with self._lock:
                self.transcribed.append((job_id, index))
            results[index] = result
            on_chunk(result)
            on_progress(
                Progress(Stage.TRANSCRIBING, 100.0 * len(results) / total, len(results), total)
            )
        segments = [s for i in sorted(results) for s in results[i].segments]
        return Transcript(segments, "en", duration, model="fake", plan={"chunks": total})

    def _wait(self, job_id: str) -> None:
        while self.gate is not None and not self.gate.wait(0.02):
            if job_id in self.cancelled:
                raise CancelledError("The job was cancelled.")
        if job_id in self.cancelled:
            raise CancelledError("The job was cancelled.")

    def cancel(self, job_id: str) -> None:
        self.cancelled.add(job_id)

    def describe(self) -> dict[str, Any]:
        return {"workers": 2}

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeClock:
    """A wall clock that moves only when told: stands in for the `time` module of a module that
    reads `time.time()` (see the `upload_clock` fixture), so expiry tests never sleep."""

    now: float = field(default_factory=time.time)
    """Starts at the real time, so file modification times on disk still compare sensibly."""

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
