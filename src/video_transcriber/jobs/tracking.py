"""What one run of a job reports while it works: throttled progress, checkpoints, metrics.

`RunTracker` is handed to the pipeline as its `on_progress`, `on_chunk_start` and `on_chunk`
hooks. It counts each chunk transcription as it starts (`metrics.chunk_runs`, so a chunk cut short
by a crash still counts), commits each chunk result at once (the checkpoint), writes progress to
the store at most a few times a second, publishes events for live viewers, samples memory, and
raises `CancelledError` from inside the hooks once the job is cancelled, which stops decoding and
speech detection between blocks.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import psutil

from video_transcriber.domain import ChunkResult, Progress, Stage, Transcript
from video_transcriber.errors import CancelledError
from video_transcriber.jobs.events import EventBus, JobEvent
from video_transcriber.store.job import JobMetrics
from video_transcriber.store.job_store import JobStore

PROGRESS_INTERVAL = 0.5
"""Seconds between progress writes and events when nothing but the percentage changed."""


def progress_dict(progress: Progress) -> dict[str, Any]:
    return {
        "stage": progress.stage.value,
        "percent": round(progress.percent, 2),
        "chunks_done": progress.chunks_done,
        "chunks_total": progress.chunks_total,
        "eta_seconds": None if progress.eta_seconds is None else round(progress.eta_seconds, 1),
    }


def rss_bytes() -> int:
    """Resident memory of this process and its children (the worker pool)."""
    try:
        process = psutil.Process()
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return int(total)
    except psutil.Error:
        return 0


class RunTracker:
    """Hooks for one run of one job; created by the manager in the job's thread."""

    def __init__(self, job_id: str, store: JobStore, bus: EventBus) -> None:
        self.job_id = job_id
        self.cancelled = threading.Event()
        self._store = store
        self._bus = bus
        self._started = time.monotonic()
        self._last_write = 0.0
        self._last: Progress | None = None
        self._peak_rss = rss_bytes()
        self._last_rss_sample = self._started

    def on_progress(self, progress: Progress) -> None:
        self._check_cancelled()
        progress = self._with_eta(progress)
        now = time.monotonic()
        last = self._last
        significant = (
            last is None
            or last.stage != progress.stage
            or last.chunks_done != progress.chunks_done
            or last.chunks_total != progress.chunks_total
        )
        if not significant and now - self._last_write < PROGRESS_INTERVAL:
            return
        self._last, self._last_write = progress, now
        self._sample_rss(now)
        self._store.update_progress(self.job_id, progress)
        self._bus.publish(JobEvent(self.job_id, "progress", progress_dict(progress)))

    def on_chunk_start(self, chunk_index: int) -> None:
        """Count the start at once, in its own transaction: a kill -9 a moment later keeps it."""
        del chunk_index  # every start counts, whichever chunk
        self._store.count_chunk_start(self.job_id)

    def on_chunk(self, result: ChunkResult) -> None:
        self._store.save_chunk(self.job_id, result)
        self._bus.publish(segments_event(self.job_id, result))
        self._sample_rss(time.monotonic())
        self._check_cancelled()

    def metrics(self, transcript: Transcript | None, facts: dict[str, Any]) -> JobMetrics:
        """Metrics of this run; `chunk_runs` is kept by the store and left at 0 here."""
        self._sample_rss(time.monotonic(), force=True)
        wall = time.monotonic() - self._started
        duration = transcript.duration if transcript is not None else 0.0
        plan = transcript.plan if transcript is not None else {}
        workers = facts.get("workers", plan.get("workers"))
        chunk_seconds = facts.get("chunk_seconds", plan.get("chunk_seconds"))
        return JobMetrics(
            wall_seconds=round(wall, 3),
            rtf=round(wall / duration, 4) if duration > 0 else None,
            workers=int(workers) if isinstance(workers, int | float) else None,
            chunk_seconds=float(chunk_seconds) if isinstance(chunk_seconds, int | float) else None,
            peak_rss_bytes=self._peak_rss,
        )

    def _check_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise CancelledError("The job was cancelled.")

    def _sample_rss(self, now: float, *, force: bool = False) -> None:
        if force or now - self._last_rss_sample >= PROGRESS_INTERVAL:
            self._last_rss_sample = now
            self._peak_rss = max(self._peak_rss, rss_bytes())

    def _with_eta(self, progress: Progress) -> Progress:
        """Fill in an ETA from the pace so far when the pipeline gave none."""
        if progress.eta_seconds is not None or progress.stage is not Stage.TRANSCRIBING:
            return progress
        if not 1.0 <= progress.percent < 100.0:
            return progress
        elapsed = time.monotonic() - self._started
        eta = elapsed * (100.0 - progress.percent) / progress.percent
        return replace(progress, eta_seconds=eta)


def segments_event(job_id: str, result: ChunkResult) -> JobEvent:
    """The `segments` event of one finished chunk (absolute times), as streams send it."""
    return JobEvent(
        job_id,
        "segments",
        {
            "chunk_index": result.chunk_index,
            "segments": [s.to_dict() for s in result.segments],
        },
    )
