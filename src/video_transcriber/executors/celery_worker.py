"""The `video-transcriber worker` command's body: a Celery worker whose processes stay warm.

`run_worker` starts a Celery worker (prefork pool) with `workers` processes, each running the
model with `threads` CTranslate2 threads — by default the tuning plan of the machine it runs on,
the same plan the local pool would use there. Each process loads the model once, right after it
is forked (`worker_process_init`), and keeps it for every chunk it is given; the main process
never imports CTranslate2, so forking it is safe.

The task body decodes the chunk's FLAC audio from the message and transcribes it: workers need
the broker and nothing else (no shared filesystem, no database). Errors come back as data
(`executors.chunk_payload.error_reply`). A chunk whose deliveries keep killing workers (out of
memory, say) would be redelivered forever under `task_reject_on_worker_lost`, so each delivery is
counted in Redis and past `celery.max_deliveries` the chunk fails its job with
`WorkerCrashedError`, as the local pool does after a second death.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from video_transcriber.config import Settings
from video_transcriber.domain import Chunk, ChunkResult, TranscribeOptions
from video_transcriber.errors import WorkerCrashedError
from video_transcriber.executors.celery_app import (
    TASK_NAME,
    make_celery_app,
    on_worker_process_init,
    redis_client,
)
from video_transcriber.executors.chunk_payload import (
    Payload,
    error_reply,
    read_task,
    result_reply,
)
from video_transcriber.speakers.chunk_voices import with_voices

log = logging.getLogger(__name__)

ATTEMPTS_KEY = "vt:attempts:{task_id}"
ATTEMPTS_TTL_SECONDS = 24 * 3600

Transcribe = Callable[[Chunk, Any, TranscribeOptions], ChunkResult]
"""`transcribe(chunk, samples, options)`: what a warm process does with one chunk."""


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What every worker process needs; set in the main process, inherited through fork."""

    settings: Settings
    threads: int


_config: WorkerConfig | None = None
_transcribe: Transcribe | None = None
"""This process's warm transcriber, built once (at process start, or by the first chunk)."""


def warm_transcriber() -> Transcribe:
    """This process's `ChunkTranscriber`, loaded on first use and kept."""
    global _transcribe
    if _transcribe is None:
        if _config is None:
            raise RuntimeError("worker configuration missing: start workers with run_worker()")
        from video_transcriber.engine.transcriber import ChunkTranscriber

        transcriber = ChunkTranscriber(_config.settings.model, threads=_config.threads)
        _transcribe = transcriber.transcribe
        log.info("worker process %d: model loaded (%d threads)", os.getpid(), _config.threads)
    return _transcribe


def _warm_up() -> None:
    """At process start; a model that fails to load is reported by each chunk instead."""
    try:
        warm_transcriber()
    except Exception:
        log.exception("worker process %d could not load the model", os.getpid())


def transcribe_chunk(task: Any, payload: Payload) -> Payload:
    """The task body (bound: `task.request.id` identifies the chunk across redeliveries)."""
    assert _config is not None
    try:
        too_many = _count_delivery(task.app, task.request.id, _config.settings)
        if too_many is not None:
            return error_reply(too_many)
        _, chunk, options, samples = read_task(payload)
        result = warm_transcriber()(chunk, samples, options)
        return result_reply(with_voices(result, chunk, samples, options, _config.settings))
    except Exception as exc:
        log.exception("chunk task %s failed", task.request.id)
        return error_reply(exc)


def _count_delivery(app: Any, task_id: str, settings: Settings) -> WorkerCrashedError | None:
    key = ATTEMPTS_KEY.format(task_id=task_id)
    client = redis_client(app)
    deliveries = int(client.incr(key))
    client.expire(key, ATTEMPTS_TTL_SECONDS)
    if deliveries <= settings.celery.max_deliveries:
        if deliveries > 1:
            log.warning("chunk task %s delivered again (delivery %d)", task_id, deliveries)
        return None
    return WorkerCrashedError(
        f"Transcription workers died {deliveries - 1} times on the same chunk. This usually "
        "means they ran out of memory: run fewer processes per worker machine "
        "(video-transcriber worker --workers), shorter chunks (VT_TUNING__CHUNK_SECONDS) or a "
        "smaller model, then retry the job."
    )


def worker_plan(settings: Settings, workers: int | None, threads: int | None) -> tuple[int, int]:
    """Processes and threads per process: the flags, else this machine's tuning plan."""
    from video_transcriber.tuning.facts import read_system_facts
    from video_transcriber.tuning.plan import plan

    tuning = settings.tuning.model_copy(
        update={
            "workers": workers or settings.tuning.workers,
            "threads_per_worker": threads or settings.tuning.threads_per_worker,
        }
    )
    execution = plan(read_system_facts(), None, tuning, settings.model)
    return int(execution.workers), int(execution.threads_per_worker)


def run_worker(
    settings: Settings,
    *,
    workers: int,
    threads: int,
    hostname: str | None = None,
    loglevel: str = "info",
) -> None:
    """Start the Celery worker and block until it is stopped (SIGTERM: warm shutdown)."""
    global _config
    _config = WorkerConfig(settings, threads)
    app = make_celery_app(settings)
    app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)(
        transcribe_chunk
    )
    on_worker_process_init(_warm_up)
    argv = [
        "worker",
        "--pool=prefork",
        f"--concurrency={workers}",
        f"--queues={settings.celery.queue}",
        f"--loglevel={loglevel}",
        "--without-gossip",
    ]
    if hostname:
        argv.append(f"--hostname={hostname}")
    app.worker_main(argv)
