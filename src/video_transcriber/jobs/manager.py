"""The job manager: runs queued jobs, each in its own thread, a bounded number at a time.

Jobs share one chunk executor (the warm pool), which gives them fair turns; the manager only
bounds how many jobs decode and detect speech at once (`max_running_jobs`). At start-up, jobs a
dead process left `running` go back to `queued` and resume: their stored chunk results are passed
to the pipeline as `done`, so only chunks without results are transcribed again.

On shutdown running jobs are left `running` on purpose: the next start resumes them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from video_transcriber.domain import JobStatus, Transcript
from video_transcriber.errors import (
    CancelledError,
    InvalidTransitionError,
    JobNotFoundError,
    VideoTranscriberError,
)
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.events import EventBus, JobEvent
from video_transcriber.jobs.tracking import RunTracker, progress_dict
from video_transcriber.pipeline.runner import JobRunner, RunRequest
from video_transcriber.store.job import Job, JobMetrics
from video_transcriber.store.job_store import JobStore

log = logging.getLogger(__name__)


def status_event(job: Job) -> JobEvent:
    return JobEvent(
        job.id,
        "status",
        {"status": job.status.value, "error": job.error, "progress": progress_dict(job.progress)},
    )


class JobManager:
    """Queues, runs, cancels, retries and deletes jobs."""

    def __init__(
        self,
        *,
        store: JobStore,
        bus: EventBus,
        layout: DataLayout,
        runner: JobRunner,
        max_running_jobs: int = 2,
        on_transcript: Callable[[str, Transcript], None] | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.layout = layout
        self.runner = runner
        self._threads = ThreadPoolExecutor(max_workers=max_running_jobs, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._active: dict[str, RunTracker] = {}
        self._stopping = False
        self._on_transcript = on_transcript or (lambda _job_id, _transcript: None)
        """Called with a finished transcript just before the job is marked completed."""

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Resume what a previous process left: running jobs are re-queued, queued jobs run."""
        for job_id in self.store.ids_with_status(JobStatus.RUNNING):
            log.info("resuming job %s left running by a previous process", job_id)
            self.store.transition(job_id, JobStatus.QUEUED)
        for job_id in self.store.ids_with_status(JobStatus.QUEUED):
            self.submit(job_id)

    def shutdown(self) -> None:
        """Stop taking work; running jobs stay `running` in the store and resume at next start."""
        self._stopping = True
        with self._lock:
            active = list(self._active)
        for job_id in active:
            self._stop_work(job_id)
        self._threads.shutdown(wait=True, cancel_futures=True)

    def submit(self, job_id: str) -> None:
        self._threads.submit(self._run, job_id)

    def is_active(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._active

    # -- requests -----------------------------------------------------------------------------

    def cancel(self, job_id: str, *, owner: str | None = None) -> Job:
        self.store.get(job_id, owner=owner)
        job = self.store.transition(job_id, JobStatus.CANCELLED)
        self._stop_work(job_id)
        self.bus.publish(status_event(job))
        return job

    def retry(self, job_id: str, *, owner: str | None = None) -> Job:
        self.store.get(job_id, owner=owner)
        if self.is_active(job_id):
            raise InvalidTransitionError(
                "This job is still stopping; retry it again in a few seconds."
            )
        job = self.store.transition(job_id, JobStatus.QUEUED)
        self.bus.publish(status_event(job))
        self.submit(job_id)
        return job

    def delete(self, job_id: str, *, owner: str | None = None) -> Job:
        """Remove the job, its results and every file it has."""
        self.store.get(job_id, owner=owner)
        self._stop_work(job_id)
        job = self.store.delete(job_id, owner=owner)
        self.layout.remove_job_files(job.id, job.media_path)
        return job

    def _stop_work(self, job_id: str) -> None:
        with self._lock:
            tracker = self._active.get(job_id)
        if tracker is not None:
            tracker.cancelled.set()
            self.runner.cancel(job_id)

    # -- the job thread -----------------------------------------------------------------------

    def _run(self, job_id: str) -> None:
        if self._stopping:
            return
        # Registered before the job shows as running, so a cancel that follows at once finds it.
        tracker = RunTracker(job_id, self.store, self.bus)
        with self._lock:
            if job_id in self._active:
                return  # already running in another thread
            self._active[job_id] = tracker
        try:
            try:
                job = self.store.transition(job_id, JobStatus.RUNNING)
            except (JobNotFoundError, InvalidTransitionError):
                return  # cancelled or deleted while it waited, or already taken
            self.bus.publish(status_event(job))
            self._execute(job, tracker)
        finally:
            with self._lock:
                self._active.pop(job_id, None)

    def _execute(self, job: Job, tracker: RunTracker) -> None:
        transcript: Transcript | None = None
        status, error = JobStatus.CANCELLED, None
        chunk_seconds = job.metrics.chunk_seconds
        try:
            if chunk_seconds is None:
                chunk_seconds = self.runner.chunk_seconds(job.duration)
                self.store.record_metrics(job.id, JobMetrics(chunk_seconds=chunk_seconds))
            transcript = self.runner.transcribe(
                RunRequest(
                    job_id=job.id,
                    path=self.layout.inside(job.media_path),
                    options=job.options,
                    work_dir=self.layout.work_dir(job.id),
                    done=self.store.chunk_results(job.id),
                    chunk_seconds=chunk_seconds,
                    on_progress=tracker.on_progress,
                    on_chunk=tracker.on_chunk,
                    on_chunk_start=tracker.on_chunk_start,
                )
            )
        except CancelledError:
            pass
        except (VideoTranscriberError, OSError) as exc:
            status, error = JobStatus.FAILED, _sentence(exc)
        except Exception as exc:
            log.exception("job %s failed unexpectedly", job.id)
            status, error = JobStatus.FAILED, _UNEXPECTED.format(type(exc).__name__, exc)
        if self._stopping:
            return  # a shutdown, not an outcome: the job stays running and resumes at next start
        # Scratch goes before the outcome is published: a finished job never has a work dir left.
        self.layout.remove_scratch(job.id)
        facts = {**self.runner.describe(), "chunk_seconds": chunk_seconds}
        metrics = tracker.metrics(transcript, facts)
        if transcript is not None:
            self._on_transcript(job.id, transcript)  # study insights + search index
            self._settle(lambda: self.store.complete(job.id, transcript, metrics))
        else:
            self.store.record_metrics(job.id, metrics)
            self._settle(lambda: self.store.transition(job.id, status, error=error))

    def _settle(self, move: Callable[[], Job]) -> None:
        """Apply the run's outcome unless a cancel or delete got there first (they win)."""
        try:
            job = move()
        except (JobNotFoundError, InvalidTransitionError):
            return
        self.bus.publish(status_event(job))


_UNEXPECTED = (
    "Transcription stopped on an unexpected error ({}: {}). "
    "Retry the job; if it fails again, the server log has the details."
)


def _sentence(exc: BaseException) -> str:
    """A message for people; our errors already are sentences."""
    if isinstance(exc, OSError):
        return (
            f"The service could not read or write a file ({exc.strerror or exc}). "
            "Check free disk space and permissions of the data directory, then retry the job."
        )
    return str(exc)
