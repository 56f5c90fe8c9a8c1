"""The job runner with a fake pipeline: checkpoints, resume, cancel, retry, failures, bounds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes import FakeRunner
from tests.media_files import write_wav
from video_transcriber.domain import ChunkResult, JobStatus, Segment, TranscribeOptions, Transcript
from video_transcriber.errors import InvalidTransitionError, NoAudioStreamError
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.events import EventBus
from video_transcriber.jobs.manager import JobManager
from video_transcriber.pipeline.runner import RunRequest
from video_transcriber.store.job import Job, NewJob
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.tables import JobRow

MakeManager = Callable[..., tuple[JobManager, FakeRunner]]


@pytest.fixture
def layout(tmp_path: Path) -> DataLayout:
    return DataLayout.create(tmp_path / "data")


@pytest.fixture
def store(layout: DataLayout, database_url: str | None) -> Iterator[JobStore]:
    store = JobStore(database_url or f"sqlite:///{layout.root / 'jobs.sqlite3'}")
    yield store
    store.close()


@pytest.fixture
def make_manager(
    layout: DataLayout, store: JobStore
) -> Iterator[Callable[..., tuple[JobManager, FakeRunner]]]:
    managers: list[JobManager] = []

    def build(runner: FakeRunner | None = None, running: int = 2) -> tuple[JobManager, FakeRunner]:
        runner = runner or FakeRunner()
        manager = JobManager(
            store=store, bus=EventBus(), layout=layout, runner=runner, max_running_jobs=running
        )
        managers.append(manager)
        return manager, runner

    yield build
    for manager in managers:
        manager.shutdown()


def add_job(store: JobStore, layout: DataLayout, seconds: float = 4.0) -> Job:
    job = store.create(
        NewJob(owner="", name="x", filename="x.wav", media_path="", size_bytes=1, duration=seconds)
    )
    media = f"media/{job.id}.wav"
    write_wav(layout.inside(media), seconds=seconds)
    with store._tx() as session:  # point the row at its media, as intake does
        row = session.get(JobRow, job.id)
        assert row is not None
        row.media_path = media
    return store.get(job.id)


def wait(store: JobStore, job_id: str, *statuses: JobStatus, timeout: float = 20) -> Job:
    deadline = time.monotonic() + timeout
    while (job := store.get(job_id)).status not in statuses:
        assert time.monotonic() < deadline, f"job stuck in {job.status}"
        time.sleep(0.02)
    return job


def wait_for_starts(store: JobStore, job_id: str, starts: int, timeout: float = 20) -> Job:
    deadline = time.monotonic() + timeout
    while (job := store.get(job_id)).metrics.chunk_runs < starts:
        assert time.monotonic() < deadline, f"job {job_id} started {job.metrics.chunk_runs} chunks"
        time.sleep(0.02)
    return job


def test_runs_a_job_to_completion(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    manager, _ = make_manager()
    job = add_job(store, layout, seconds=4.0)
    manager.submit(job.id)
    done = wait(store, job.id, JobStatus.COMPLETED)
    assert done.metrics.chunk_runs == 4
    assert done.metrics.chunk_seconds == 1.0 and done.metrics.workers == 2
    assert done.metrics.wall_seconds is not None and done.metrics.peak_rss_bytes
    transcript = store.transcript(job.id)
    assert transcript is not None
    assert [s.text for s in transcript.segments] == [f"chunk {i}" for i in range(4)]
    assert not layout.work_dir(job.id).exists()


def test_resume_transcribes_only_missing_chunks(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    first, _ = make_manager()
    job = add_job(store, layout, seconds=5.0)
    store.transition(job.id, JobStatus.RUNNING)  # as a process that died mid-job left it
    for _ in range(3):  # it had started chunks 0, 1 and 2, and died with 1 in flight
        store.count_chunk_start(job.id)
    for index in (0, 2):
        store.save_chunk(job.id, ChunkResult(index, (Segment(index, index + 1, "old"),), "en", 0))
    first.shutdown()
    manager, runner = make_manager()
    manager.start()
    done = wait(store, job.id, JobStatus.COMPLETED)
    assert sorted(i for _, i in runner.transcribed) == [1, 3, 4]
    assert done.metrics.chunk_runs == 6  # 3 before the crash, 3 after: chunk 1 twice
    transcript = store.transcript(job.id)
    assert transcript is not None and len(transcript.segments) == 5


def test_cancel_stops_a_running_job_and_retry_keeps_finished_chunks(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    gate = threading.Event()
    manager, runner = make_manager(FakeRunner(gate=gate))
    job = add_job(store, layout, seconds=3.0)
    manager.submit(job.id)
    wait_for_starts(store, job.id, 1)  # chunk 0 is in flight, held by the gate
    cancelled = manager.cancel(job.id)
    assert cancelled.status is JobStatus.CANCELLED
    deadline = time.monotonic() + 10
    while manager.is_active(job.id):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert store.get(job.id).status is JobStatus.CANCELLED
    with pytest.raises(InvalidTransitionError):
        manager.cancel(job.id)
    gate.set()
    manager.retry(job.id)
    done = wait(store, job.id, JobStatus.COMPLETED)
    assert done.metrics.chunk_runs == 4, runner.transcribed  # chunk 0 started in both runs


def test_chunk_in_flight_at_shutdown_counts_again_when_rerun(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    first, held = make_manager(FakeRunner(gate=threading.Event()))
    job = add_job(store, layout, seconds=3.0)
    first.submit(job.id)
    wait_for_starts(store, job.id, 1)
    first.shutdown()  # as if the process died with chunk 0 in flight
    interrupted = store.get(job.id)
    assert interrupted.status is JobStatus.RUNNING and interrupted.metrics.chunk_runs == 1
    assert held.transcribed == [] and store.chunk_results(job.id) == {}
    manager, runner = make_manager()
    manager.start()
    done = wait(store, job.id, JobStatus.COMPLETED)
    assert runner.transcribed == [(job.id, 0), (job.id, 1), (job.id, 2)]
    assert done.metrics.chunk_runs == 4  # chunk 0 once when cut short, once more when redone


def test_cancel_a_queued_job_never_runs_it(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    gate = threading.Event()
    manager, runner = make_manager(FakeRunner(gate=gate), running=1)
    first, second = add_job(store, layout), add_job(store, layout)
    manager.submit(first.id)
    manager.submit(second.id)
    wait(store, first.id, JobStatus.RUNNING)
    assert store.get(second.id).status is JobStatus.QUEUED  # bounded: one at a time
    manager.cancel(second.id)
    third = add_job(store, layout)
    manager.submit(third.id)
    gate.set()
    # One job at a time, in the order submitted: when the third is done, the second's turn came.
    wait(store, third.id, JobStatus.COMPLETED)
    assert store.get(second.id).status is JobStatus.CANCELLED
    assert {job_id for job_id, _ in runner.transcribed} == {first.id, third.id}


def test_media_errors_fail_the_job_with_their_message(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    error = NoAudioStreamError("This video has no sound track; export it with audio.")
    manager, _ = make_manager(FakeRunner(fail_with=error))
    job = add_job(store, layout)
    manager.submit(job.id)
    failed = wait(store, job.id, JobStatus.FAILED)
    assert failed.error == str(error)


def test_unexpected_errors_fail_with_a_sentence(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    manager, _ = make_manager(FakeRunner(fail_with=RuntimeError("boom")))
    job = add_job(store, layout)
    manager.submit(job.id)
    failed = wait(store, job.id, JobStatus.FAILED)
    assert failed.error is not None
    assert "RuntimeError: boom" in failed.error and "Retry the job" in failed.error


def test_delete_removes_every_file_even_while_running(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    gate = threading.Event()
    manager, _ = make_manager(FakeRunner(gate=gate))
    job = add_job(store, layout)
    manager.submit(job.id)
    wait(store, job.id, JobStatus.RUNNING)
    manager.delete(job.id)
    gate.set()
    deadline = time.monotonic() + 10
    while manager.is_active(job.id):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert not layout.inside(job.media_path).exists()
    assert not layout.work_dir(job.id).exists()
    assert store.list_jobs()[1] == 0


def test_shutdown_leaves_running_jobs_running_for_the_next_start(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    gate = threading.Event()
    manager, _ = make_manager(FakeRunner(gate=gate))
    job = add_job(store, layout)
    manager.submit(job.id)
    wait(store, job.id, JobStatus.RUNNING)
    manager.shutdown()
    assert store.get(job.id).status is JobStatus.RUNNING
    again, _ = make_manager()
    again.start()
    wait(store, job.id, JobStatus.COMPLETED)


def test_options_reach_the_runner(
    make_manager: MakeManager, store: JobStore, layout: DataLayout
) -> None:
    seen: list[TranscribeOptions] = []

    class Recording(FakeRunner):
        def transcribe(self, request: RunRequest) -> Transcript:
            seen.append(request.options)
            return super().transcribe(request)

    manager, _ = make_manager(Recording())
    job = store.create(
        NewJob(
            owner="",
            name="x",
            filename="x.wav",
            media_path="media/o.wav",
            size_bytes=1,
            options=TranscribeOptions(language="fr", beam_size=2, word_timestamps=True),
        )
    )
    write_wav(layout.inside("media/o.wav"), seconds=1.0)
    manager.submit(job.id)
    wait(store, job.id, JobStatus.COMPLETED)
    assert seen == [TranscribeOptions(language="fr", beam_size=2, word_timestamps=True)]
