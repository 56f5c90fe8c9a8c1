"""The warm local pool: worker processes that load the model once and serve every job in turn.

`WarmPool` starts `plan.workers` processes (the 'spawn' start method: CTranslate2 and OpenMP
threads do not survive `fork`), each running `plan.threads_per_worker` CTranslate2 threads. They
stay up across chunks, files and jobs, so the model is loaded once per process, not per chunk.

One dispatcher thread owns the workers. Each worker has its own duplex pipe and holds at most one
task, so no more than `workers` chunks are ever in flight in total, however many jobs share the
pool. Pending tasks wait in a `FairQueue`: when a worker frees up it takes the next task of the job
whose turn it is (round-robin), so concurrent jobs advance together. The dispatcher waits on the
pipes and the process sentinels at once; a worker that dies is replaced, and the chunk it was
running goes back to the head of its job's queue once; a second death on the same chunk fails the
job with `WorkerCrashedError`. A model that cannot be loaded breaks the pool: every job, current
and later, fails with that error instead of the pool respawning workers forever.

A task starts when the dispatcher hands it to a worker (a retried chunk starts again). The
dispatcher does not call `on_start` itself: it puts a start marker in the job's result queue, ahead
of the task's result, and the thread iterating `run()` calls the hook when it reads the marker. So
a slow hook never holds the pool's lock, and the hook runs in the caller's thread.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, Final

from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult
from video_transcriber.errors import CancelledError, WorkerCrashedError
from video_transcriber.executors.fair_queue import FairQueue
from video_transcriber.executors.pool_worker import (
    HandlerFactory,
    WorkerSpec,
    load_transcriber,
    worker_main,
)
from video_transcriber.pipeline.chunk_executor import StartHook
from video_transcriber.pipeline.chunk_task import ChunkTask

if TYPE_CHECKING:
    from video_transcriber.tuning.plan import ExecutionPlan

log = logging.getLogger(__name__)

MAX_RETRIES = 1
"""A chunk whose worker died is run once more; a second death fails the job."""
START_METHOD: Final = "spawn"
"""'spawn' re-imports cleanly in each worker; forking a process with CTranslate2 loaded is not
safe."""
MAX_DEATHS_WITHOUT_PROGRESS = 3
"""Per worker slot: this many deaths in a row with no chunk finished breaks the pool."""
SHUTDOWN_GRACE_SECONDS = 5.0
"""How long idle workers get to exit on `close()` before they are terminated."""


@dataclass(frozen=True, slots=True)
class _Started:
    """Put in a job's result queue when one of its tasks is handed to a worker."""

    task: ChunkTask


@dataclass(eq=False)
class _Job:
    """One `run()` call: its outstanding count, crash counts per chunk, and its result channel."""

    job_id: str
    outstanding: int
    results: queue.SimpleQueue[ChunkResult | _Started | BaseException] = field(
        default_factory=queue.SimpleQueue
    )
    crashes: dict[int, int] = field(default_factory=dict)
    error: BaseException | None = None
    """Set when the job fails or is cancelled; the iterator raises it before anything else."""


@dataclass(eq=False)
class _Worker:
    slot: int
    process: BaseProcess
    conn: Connection
    task: ChunkTask | None = None
    job: _Job | None = None
    dead: bool = False


class WarmPool:
    """Worker processes that keep the model loaded; `run()` is thread-safe and fair across jobs."""

    def __init__(
        self,
        settings: Settings,
        plan: ExecutionPlan,
        *,
        handler_factory: HandlerFactory = load_transcriber,
    ) -> None:
        self.workers = int(plan.workers)
        self.threads_per_worker = int(plan.threads_per_worker)
        if self.workers < 1 or self.threads_per_worker < 1:
            raise ValueError("a pool needs at least one worker with at least one thread")
        batch = getattr(plan, "batch_size", None)
        self._spec = WorkerSpec(self.threads_per_worker, int(batch) if batch else None)
        self._settings = settings
        self._factory = handler_factory
        self._context = multiprocessing.get_context(START_METHOD)
        self._lock = threading.Lock()
        self._queue: FairQueue[ChunkTask] = FairQueue()
        self._jobs: dict[str, _Job] = {}
        self._broken: BaseException | None = None
        self._closed = False
        self._deaths_in_a_row = 0
        self._wake_reader, self._wake_writer = self._context.Pipe(duplex=False)
        self._wake_lock = threading.Lock()  # run() may be called from many threads at once
        self._workers = [self._spawn(slot) for slot in range(self.workers)]
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="warm-pool-dispatcher", daemon=True
        )
        self._dispatcher.start()

    # -- public API ---------------------------------------------------------------------------

    def run(
        self, job_id: str, tasks: Sequence[ChunkTask], *, on_start: StartHook | None = None
    ) -> Iterator[ChunkResult]:
        """Queue the tasks now; the iterator yields their results in completion order.

        `on_start(task)` is called, from the iterating thread, for each hand-over of a task to a
        worker (see the module docstring).
        """
        tasks = list(tasks)
        job = _Job(job_id, outstanding=len(tasks))
        with self._lock:
            self._check_usable()
            if job_id in self._jobs:
                raise ValueError(f"job {job_id!r} is already running in this pool")
            if tasks:
                self._jobs[job_id] = job
                self._queue.extend(job_id, tasks)
        self._wake()
        return self._results(job, len(tasks), on_start)

    def cancel(self, job_id: str) -> None:
        """Drop the job's queued chunks; its running chunks finish but their results are dropped."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._fail(job, CancelledError(f"Job {job_id} was cancelled."))

    def close(self) -> None:
        """Fail running jobs with `CancelledError`, stop the dispatcher and the workers."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for job in list(self._jobs.values()):
                self._fail(job, CancelledError("The worker pool was shut down."))
        self._wake()
        self._dispatcher.join()
        self._stop_workers()

    def pending(self, job_id: str) -> int:
        """How many of the job's tasks are queued and not yet given to a worker."""
        with self._lock:
            return self._queue.pending(job_id)

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- results ------------------------------------------------------------------------------

    def _results(self, job: _Job, total: int, on_start: StartHook | None) -> Iterator[ChunkResult]:
        received = 0
        try:
            while received < total:
                item = job.results.get()
                if job.error is not None:
                    raise job.error
                assert not isinstance(item, BaseException)
                if isinstance(item, _Started):
                    if on_start is not None:
                        on_start(item.task)
                    continue
                received += 1
                yield item
        finally:
            if received < total:  # abandoned or failed: drop whatever is still queued
                with self._lock:
                    if self._jobs.get(job.job_id) is job:
                        self._fail(job, CancelledError(f"Job {job.job_id} was abandoned."))

    def _check_usable(self) -> None:
        if self._closed:
            raise CancelledError("The worker pool is shut down; start a new one.")
        if self._broken is not None:
            raise _fresh(self._broken)

    def _fail(self, job: _Job, error: BaseException) -> None:
        """Caller holds the lock. The job ends now; results still in flight will be ignored."""
        self._queue.drop(job.job_id)
        if self._jobs.get(job.job_id) is job:
            del self._jobs[job.job_id]
        job.error = error
        job.results.put(error)

    # -- dispatcher thread --------------------------------------------------------------------

    def _wake(self) -> None:
        with self._wake_lock, contextlib.suppress(OSError):  # closed during shutdown
            self._wake_writer.send(None)

    def _dispatch_loop(self) -> None:
        try:
            self._dispatch_forever()
        except Exception as exc:  # a bug here must fail jobs, not leave them waiting forever
            log.exception("worker pool dispatcher failed")
            with self._lock:
                self._break(exc)

    def _dispatch_forever(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                self._assign_tasks()
                waitables: list[Any] = [self._wake_reader]
                for worker in self._workers:
                    if not worker.dead:
                        waitables += [worker.conn, worker.process.sentinel]
            ready = set(wait(waitables))
            with self._lock:
                self._drain_wake(ready)
                for worker in list(self._workers):
                    if worker.conn in ready:
                        self._receive(worker)
                    if worker.process.sentinel in ready or worker.dead:
                        self._replace(worker)

    def _drain_wake(self, ready: set[Any]) -> None:
        if self._wake_reader in ready:
            while self._wake_reader.poll():
                self._wake_reader.recv()

    def _assign_tasks(self) -> None:
        for worker in self._workers:
            if worker.task is not None or worker.dead:
                continue
            item = self._queue.pop()
            if item is None:
                return
            job_id, task = item
            try:
                worker.conn.send(task)
            except OSError:  # the worker is dying; its sentinel will fire
                self._queue.push_front(job_id, task)
                worker.dead = True
                continue
            worker.task, worker.job = task, self._jobs.get(job_id)
            if worker.job is not None:
                worker.job.results.put(_Started(task))

    def _receive(self, worker: _Worker) -> None:
        while not worker.dead:
            try:
                if not worker.conn.poll():
                    return
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.dead = True
                return
            self._handle(worker, message)

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            return
        if kind == "fatal":
            self._break(message[1])
            return
        job, worker.task, worker.job = worker.job, None, None
        if job is None or self._jobs.get(job.job_id) is not job:
            return  # the job was cancelled or failed meanwhile
        if kind == "error":
            self._fail(job, message[2])
            return
        self._deaths_in_a_row = 0
        job.outstanding -= 1
        job.results.put(message[2])
        if job.outstanding == 0:
            del self._jobs[job.job_id]

    def _break(self, error: BaseException) -> None:
        log.error("worker pool cannot start: %s", error)
        self._broken = error
        for job in list(self._jobs.values()):
            self._fail(job, _fresh(error))

    def _replace(self, worker: _Worker) -> None:
        worker.dead = True
        self._receive_leftovers(worker)
        worker.process.join(timeout=1.0)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
        code = worker.process.exitcode
        task, job = worker.task, worker.job
        if task is not None and job is not None and self._jobs.get(job.job_id) is job:
            self._retry_or_fail(job, task, code)
        self._deaths_in_a_row += 1
        if (
            self._broken is None
            and self._deaths_in_a_row > MAX_DEATHS_WITHOUT_PROGRESS * self.workers
        ):
            self._break(
                WorkerCrashedError(
                    f"Transcription workers keep dying (last exit code {code}) before finishing "
                    "any chunk. Check free memory, or use fewer workers (--workers) or a smaller "
                    "model."
                )
            )
        if self._broken is None and not self._closed:
            log.warning("worker %d exited (code %s); starting a new one", worker.slot, code)
            self._workers[self._workers.index(worker)] = self._spawn(worker.slot)

    def _receive_leftovers(self, worker: _Worker) -> None:
        """A worker may send its result and then die: deliver what it sent before judging."""
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass

    def _retry_or_fail(self, job: _Job, task: ChunkTask, exit_code: int | None) -> None:
        crashes = job.crashes.get(task.chunk.index, 0) + 1
        job.crashes[task.chunk.index] = crashes
        if crashes <= MAX_RETRIES:
            self._queue.push_front(job.job_id, task)
            return
        chunk = task.chunk
        self._fail(
            job,
            WorkerCrashedError(
                f"A transcription worker died twice (exit code {exit_code}) on the part of the "
                f"media from {chunk.start:.1f} s to {chunk.end:.1f} s. This usually means it ran "
                "out of memory: use fewer workers (--workers), shorter chunks "
                "(--chunk-seconds) or a smaller model, then try again."
            ),
        )

    # -- processes ----------------------------------------------------------------------------

    def _spawn(self, slot: int) -> _Worker:
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main,
            args=(child_end, self._factory, self._settings, self._spec),
            name=f"vt-worker-{slot}",
            daemon=True,
        )
        process.start()
        child_end.close()
        return _Worker(slot=slot, process=process, conn=parent_end)

    def _stop_workers(self) -> None:
        for worker in self._workers:
            if worker.task is not None:
                worker.process.terminate()  # its job is over; do not wait for the chunk
                continue
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._workers:
            worker.process.join(timeout=SHUTDOWN_GRACE_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._wake_reader.close()
        self._wake_writer.close()


def _fresh(error: BaseException) -> BaseException:
    """A new instance of `error` to raise in another thread (tracebacks are per instance)."""
    try:
        return type(error)(*error.args)
    except Exception:
        return error
