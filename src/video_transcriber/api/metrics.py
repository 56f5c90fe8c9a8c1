"""Prometheus metrics: one `CollectorRegistry` per app, so two apps in one process never mix.

Three sources feed it. `ObservedRunner` wraps the job runner and counts each chunk result and each
finished job's real-time factor as they happen. `UploadBytesMiddleware` counts request body bytes
on the upload routes (tus PATCH/POST, multipart job creation, the OpenAI-compatible endpoint)
as they arrive. Job counts by status and the queue length are read from the store at scrape time,
so they are right after a restart too. Exposed in the text format by `GET /metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from video_transcriber.api.live_metrics import LiveMetrics
from video_transcriber.domain import ChunkResult, JobStatus, Transcript
from video_transcriber.pipeline.runner import JobRunner, RunRequest
from video_transcriber.store.job_store import JobStore

PREFIX = "video_transcriber"
CHUNK_SECONDS_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, float("inf"))
RTF_BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, float("inf"))
UPLOAD_ROUTES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("tus", "/files", frozenset({"POST", "PATCH"})),
    ("multipart", "/api/jobs", frozenset({"POST"})),
    ("openai", "/v1/audio/transcriptions", frozenset({"POST"})),
)
"""(kind, path prefix, methods) whose request bodies are uploads."""


class ServiceMetrics:
    """The app's registry and the metrics the service updates."""

    def __init__(self, store: Callable[[], JobStore | None]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.chunks = Counter(
            f"{PREFIX}_chunks_transcribed",
            "Chunk transcriptions that produced a result.",
            registry=self.registry,
        )
        self.chunk_seconds = Histogram(
            f"{PREFIX}_chunk_decode_seconds",
            "Seconds the model spent decoding one chunk.",
            buckets=CHUNK_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.rtf = Histogram(
            f"{PREFIX}_job_rtf",
            "Real-time factor of finished jobs: wall seconds per media second (lower is faster).",
            buckets=RTF_BUCKETS,
            registry=self.registry,
        )
        self.upload_bytes = Counter(
            f"{PREFIX}_upload_bytes",
            "Request body bytes received on the upload routes.",
            ["kind"],
            registry=self.registry,
        )
        self.registry.register(JobCollector(store))
        self.live = LiveMetrics(self.registry).stats
        """The live-captions engine's measurements (`api.live_metrics`)."""

    def observe_chunk(self, result: ChunkResult) -> None:
        self.chunks.inc()
        self.chunk_seconds.observe(max(0.0, result.decode_seconds))

    def observe_job(self, transcript: Transcript, wall_seconds: float) -> None:
        if transcript.duration > 0:
            self.rtf.observe(wall_seconds / transcript.duration)


class JobCollector(Collector):
    """Jobs by status and the queue length, counted in the store at each scrape."""

    def __init__(self, store: Callable[[], JobStore | None]) -> None:
        self._store = store

    def describe(self) -> list[Any]:
        return []  # collected lazily: the store does not exist before start-up

    def collect(self) -> Iterator[GaugeMetricFamily]:
        store = self._store()
        if store is None:
            return
        counts = status_counts(store)
        jobs = GaugeMetricFamily(f"{PREFIX}_jobs", "Jobs by status.", labels=["status"])
        for status, count in counts.items():
            jobs.add_metric([status.value], count)
        yield jobs
        yield GaugeMetricFamily(
            f"{PREFIX}_queue_length",
            "Jobs waiting for a slot to run.",
            value=counts[JobStatus.QUEUED],
        )


def status_counts(store: JobStore) -> dict[JobStatus, int]:
    """How many jobs are in each status (all owners)."""
    return {status: store.list_jobs(status=status, limit=1)[1] for status in JobStatus}


class ObservedRunner:
    """A `JobRunner` that reports chunks and finished jobs to the metrics, else delegates."""

    def __init__(self, inner: JobRunner, metrics: ServiceMetrics) -> None:
        self.inner = inner
        self._metrics = metrics

    def chunk_seconds(self, duration: float | None) -> float:
        return self.inner.chunk_seconds(duration)

    def transcribe(self, request: RunRequest) -> Transcript:
        def counted(result: ChunkResult) -> None:
            self._metrics.observe_chunk(result)
            request.on_chunk(result)

        started = time.monotonic()
        transcript = self.inner.transcribe(replace(request, on_chunk=counted))
        self._metrics.observe_job(transcript, time.monotonic() - started)
        return transcript

    def cancel(self, job_id: str) -> None:
        self.inner.cancel(job_id)

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()

    def close(self) -> None:
        self.inner.close()


class UploadBytesMiddleware:
    """Counts body bytes of upload requests as they arrive (refused or not)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = _upload_kind(scope) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        counter = self.metrics.upload_bytes.labels(kind=kind)

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                counter.inc(len(message.get("body", b"")))
            return message

        await self.app(scope, counting_receive, send)


def _upload_kind(scope: Scope) -> str | None:
    path, method = scope["path"], scope["method"]
    for kind, prefix, methods in UPLOAD_ROUTES:
        if method in methods and (path == prefix or path.startswith(prefix + "/")):
            if kind == "multipart" and (path != prefix or not _is_multipart(scope)):
                return None  # JSON job creation and /api/jobs/<id>/... carry no upload
            return kind
    return None


def _is_multipart(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-type":
            return bool(value.lower().startswith(b"multipart/"))
    return False
