"""`CeleryExecutor`: the `ChunkExecutor` that runs chunks on Celery workers anywhere on the network.

The pipeline is unchanged; only where chunks run differs. `run()` reads each chunk's slice of the
local PCM file, ships it as FLAC inside a JSON task (`executors.chunk_payload`) and yields results
as the workers finish them, in completion order, by polling the Redis result backend. Each result is
read once and deleted. Progress, SSE, metrics and checkpoints come from the pipeline's hooks as
with the local pool; the store keeps one result per `(job, chunk)` however often one arrives.

Flow control: at most `celery.max_queued_per_job` chunks of a job are in the broker at once, so
Redis holds a bounded amount of audio per job whatever the media length, and concurrent jobs
interleave in the queue instead of one job's three hours blocking another's three minutes.

Every task id of a job is also recorded in a Redis set (`vt:job-tasks:<job id>`). `cancel()`
revokes the job's queued tasks (a chunk already running finishes; its result is ignored). When
the API process dies mid-job and the job later resumes, `run()` first revokes the ids the dead
run left behind, so the old queued chunks are not transcribed a second time for nobody.

A chunk counts as started (`on_start`) when it is sent to the broker, not when a worker picks it
up: observing the remote start would mean asking the backend about every queued task on every
poll. So a chunk sent but revoked before any worker took it still counts as one start.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult
from video_transcriber.errors import CancelledError
from video_transcriber.executors.celery_app import TASK_NAME, make_celery_app, redis_client
from video_transcriber.executors.chunk_payload import result_from_reply, task_payload
from video_transcriber.media.pcm import PcmAudio
from video_transcriber.pipeline.chunk_executor import StartHook
from video_transcriber.pipeline.chunk_task import ChunkTask

log = logging.getLogger(__name__)

JOB_TASKS_KEY = "vt:job-tasks:{job_id}"
"""Redis set of a job's task ids still in the broker, for revoking after an API crash."""
JOB_TASKS_TTL_SECONDS = 7 * 24 * 3600


@dataclass(eq=False)
class _Run:
    """One `run()` call: its task ids in flight and whether it was cancelled."""

    job_id: str
    outstanding: dict[str, ChunkTask] = field(default_factory=dict)
    error: BaseException | None = None


class CeleryExecutor:
    """Chunk tasks through a Celery broker; `run()` is thread-safe and may serve many jobs."""

    def __init__(self, settings: Settings, *, app: Any | None = None) -> None:
        self._app = app if app is not None else make_celery_app(settings)
        self._redis = redis_client(self._app)
        self._queue = settings.celery.queue
        self._window = settings.celery.max_queued_per_job
        self._poll_seconds = settings.celery.poll_seconds
        self._lock = threading.Lock()
        self._runs: dict[str, _Run] = {}
        self._closed = False

    # -- ChunkExecutor ------------------------------------------------------------------------

    def run(
        self, job_id: str, tasks: Sequence[ChunkTask], *, on_start: StartHook | None = None
    ) -> Iterator[ChunkResult]:
        """Register the job now (so `cancel` sees it); chunks are sent as the iterator runs,
        and `on_start(task)` is called as each is sent."""
        job = _Run(job_id)
        with self._lock:
            if self._closed:
                raise CancelledError("The Celery executor is shut down; start a new one.")
            if job_id in self._runs:
                raise ValueError(f"job {job_id!r} is already running in this executor")
            self._runs[job_id] = job
        self._revoke_leftovers(job_id)
        return self._results(job, list(tasks), on_start)

    def cancel(self, job_id: str) -> None:
        """Revoke the job's queued chunks; the iterator raises `CancelledError`."""
        self._stop(job_id, CancelledError(f"Job {job_id} was cancelled."))

    def close(self) -> None:
        """Stop every run (`CancelledError`) and release the broker connections."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            job_ids = list(self._runs)
        for job_id in job_ids:
            self._stop(job_id, CancelledError("The Celery executor was shut down."))
        self._app.close()

    def __enter__(self) -> CeleryExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the result loop ----------------------------------------------------------------------

    def _results(
        self, job: _Run, tasks: list[ChunkTask], on_start: StartHook | None
    ) -> Iterator[ChunkResult]:
        pending = deque(tasks)
        try:
            while pending or job.outstanding:
                self._check(job)
                self._fill(job, pending, on_start)
                for task_id, meta in self._poll(job):
                    with self._lock:
                        task = job.outstanding.pop(task_id, None)
                    if task is None:
                        continue
                    self._forget(job.job_id, task_id)
                    yield _result_of(meta, task)
                    self._check(job)
        finally:
            self._finish(job, pending)

    def _check(self, job: _Run) -> None:
        with self._lock:
            error = job.error
        if error is not None:
            raise error

    def _fill(self, job: _Run, pending: deque[ChunkTask], on_start: StartHook | None) -> None:
        """Send chunks until the job has `max_queued_per_job` of them in the broker."""
        while pending and len(job.outstanding) < self._window:
            task = pending.popleft()
            task_id = f"{task.job_id}:{task.chunk.index}:{uuid.uuid4().hex[:12]}"
            samples = PcmAudio(task.audio_path).read(task.chunk.start, task.chunk.end)
            payload = task_payload(task.job_id, task.chunk, task.options, samples)
            key = JOB_TASKS_KEY.format(job_id=job.job_id)
            # Recorded before sending: an API crash between the two leaves a harmless extra id.
            self._redis.sadd(key, task_id)
            self._redis.expire(key, JOB_TASKS_TTL_SECONDS)
            with self._lock:
                job.outstanding[task_id] = task
            self._app.send_task(TASK_NAME, args=[payload], task_id=task_id, queue=self._queue)
            if on_start is not None:
                on_start(task)

    def _poll(self, job: _Run) -> list[tuple[str, dict[str, Any]]]:
        """Finished tasks of the job (one look at the backend, then a short nap if none)."""
        with self._lock:
            ids = list(job.outstanding)
        if not ids:
            return []
        found = self._app.backend.get_many(ids, interval=self._poll_seconds, max_iterations=1)
        return [(str(task_id), meta) for task_id, meta in found]

    def _forget(self, job_id: str, task_id: str) -> None:
        self._app.backend.forget(task_id)
        self._redis.srem(JOB_TASKS_KEY.format(job_id=job_id), task_id)

    def _finish(self, job: _Run, pending: deque[ChunkTask]) -> None:
        """The iterator ended (done, failed, cancelled or abandoned): revoke what is left."""
        with self._lock:
            if self._runs.get(job.job_id) is job:
                del self._runs[job.job_id]
            leftovers = list(job.outstanding)
            job.outstanding.clear()
        if leftovers:
            self._revoke(job.job_id, leftovers)
        pending.clear()

    # -- cancelling ---------------------------------------------------------------------------

    def _stop(self, job_id: str, error: BaseException) -> None:
        with self._lock:
            job = self._runs.get(job_id)
            if job is None:
                return
            job.error = error
            ids = list(job.outstanding)
        if ids:
            self._revoke(job_id, ids)

    def _revoke(self, job_id: str, task_ids: list[str]) -> None:
        self._app.control.revoke(task_ids)
        for task_id in task_ids:
            self._app.backend.forget(task_id)
        self._redis.srem(JOB_TASKS_KEY.format(job_id=job_id), *task_ids)

    def _revoke_leftovers(self, job_id: str) -> None:
        """Task ids a dead API process left for this job: revoke them before running again."""
        key = JOB_TASKS_KEY.format(job_id=job_id)
        stale = [_text(item) for item in self._redis.smembers(key)]
        if stale:
            log.info("revoking %d chunk tasks left by an earlier run of job %s", len(stale), job_id)
            self._revoke(job_id, stale)
        self._redis.delete(key)


def _result_of(meta: dict[str, Any], task: ChunkTask) -> ChunkResult:
    status = meta.get("status")
    if status == "SUCCESS":
        return result_from_reply(meta["result"])
    if status == "REVOKED":
        raise CancelledError(f"Job {task.job_id} was cancelled.")
    raise RuntimeError(
        f"A Celery worker failed on the part of the media from {task.chunk.start:.1f} s to "
        f"{task.chunk.end:.1f} s ({status}: {meta.get('result')}). Check the worker's log, "
        "then retry the job."
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
