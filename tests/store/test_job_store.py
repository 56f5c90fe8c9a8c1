"""The job store and the state machine: transitions in one place, idempotent checkpoints."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from video_transcriber.domain import (
    ChunkResult,
    JobStatus,
    Progress,
    Segment,
    Stage,
    TranscribeOptions,
    Transcript,
    Word,
)
from video_transcriber.errors import InvalidTransitionError, JobNotFoundError
from video_transcriber.store.job import JobMetrics, NewJob
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.states import TRANSITIONS, can_transition, check_transition


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[JobStore]:
    store = JobStore(database_url or f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    yield store
    store.close()


def new_job(owner: str = "", name: str = "Lecture", filename: str = "lecture.mp4") -> NewJob:
    return NewJob(
        owner=owner,
        name=name,
        filename=filename,
        media_path="media/x.mp4",
        size_bytes=10,
        duration=12.5,
        options=TranscribeOptions(language="en", beam_size=3),
    )


def result(index: int, text: str = "hello") -> ChunkResult:
    segment = Segment(index * 10.0, index * 10.0 + 2, text, (Word(index * 10.0, 1.0, text),))
    return ChunkResult(index, (segment,), "en", 0.5)


class TestStateMachine:
    @pytest.mark.parametrize(
        ("current", "target"),
        [
            (JobStatus.QUEUED, JobStatus.RUNNING),
            (JobStatus.RUNNING, JobStatus.COMPLETED),
            (JobStatus.RUNNING, JobStatus.FAILED),
            (JobStatus.RUNNING, JobStatus.CANCELLED),
            (JobStatus.FAILED, JobStatus.QUEUED),
            (JobStatus.CANCELLED, JobStatus.QUEUED),
            (JobStatus.QUEUED, JobStatus.CANCELLED),
        ],
    )
    def test_allowed(self, current: JobStatus, target: JobStatus) -> None:
        check_transition(current, target)

    @pytest.mark.parametrize(
        ("current", "target"),
        [
            (JobStatus.COMPLETED, JobStatus.QUEUED),
            (JobStatus.COMPLETED, JobStatus.CANCELLED),
            (JobStatus.RUNNING, JobStatus.RUNNING),
            (JobStatus.QUEUED, JobStatus.COMPLETED),
            (JobStatus.FAILED, JobStatus.CANCELLED),
        ],
    )
    def test_refused_with_a_sentence(self, current: JobStatus, target: JobStatus) -> None:
        with pytest.raises(InvalidTransitionError, match=r"^This job is .+\.$"):
            check_transition(current, target)

    def test_final_states_only_leave_by_retry(self) -> None:
        for status in JobStatus:
            if status.is_final:
                assert TRANSITIONS[status] <= {JobStatus.QUEUED}
        assert not any(can_transition(JobStatus.COMPLETED, s) for s in JobStatus)


class TestStore:
    def test_create_get_and_options_round_trip(self, store: JobStore) -> None:
        job = store.create(new_job())
        again = store.get(job.id)
        assert again.status is JobStatus.QUEUED
        assert again.options == TranscribeOptions(language="en", beam_size=3)
        assert again.created_at.tzinfo is not None
        assert again.duration == 12.5

    def test_other_owner_sees_not_found(self, store: JobStore) -> None:
        job = store.create(new_job(owner="alice"))
        assert store.get(job.id, owner="alice").id == job.id
        with pytest.raises(JobNotFoundError):
            store.get(job.id, owner="bob")
        with pytest.raises(JobNotFoundError):
            store.delete(job.id, owner="bob")

    def test_transitions_set_times_and_errors(self, store: JobStore) -> None:
        job = store.create(new_job())
        running = store.transition(job.id, JobStatus.RUNNING)
        assert running.started_at is not None
        failed = store.transition(job.id, JobStatus.FAILED, error="It broke; retry.")
        assert failed.error == "It broke; retry." and failed.finished_at is not None
        queued = store.transition(job.id, JobStatus.QUEUED)
        assert queued.error is None and queued.finished_at is None
        with pytest.raises(InvalidTransitionError):
            store.transition(job.id, JobStatus.COMPLETED)

    def test_racing_transitions_have_one_winner(self, store: JobStore) -> None:
        job = store.create(new_job())
        store.transition(job.id, JobStatus.RUNNING)
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def move(target: JobStatus) -> None:
            barrier.wait()
            try:
                store.transition(job.id, target)
                outcomes.append(target.value)
            except InvalidTransitionError:
                outcomes.append("refused")

        threads = [
            threading.Thread(target=move, args=(t,))
            for t in (JobStatus.CANCELLED, JobStatus.FAILED)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes).count("refused") == 1
        assert store.get(job.id).status.value in outcomes

    def test_chunks_are_stored_once_and_not_counted_as_runs(self, store: JobStore) -> None:
        job = store.create(new_job())
        assert store.save_chunk(job.id, result(0)) is True
        assert store.save_chunk(job.id, result(0, "different")) is False
        assert store.save_chunk(job.id, result(1)) is True
        stored = store.chunk_results(job.id)
        assert sorted(stored) == [0, 1]
        assert stored[0] == result(0)  # the first result wins, words and all
        assert store.get(job.id).metrics.chunk_runs == 0  # runs are counted as they start

    def test_chunk_starts_are_counted_and_survive_a_new_store(self, store: JobStore) -> None:
        job = store.create(new_job())
        for _ in range(3):
            store.count_chunk_start(job.id)
        reopened = JobStore(store.engine.url.render_as_string(hide_password=False))
        assert reopened.get(job.id).metrics.chunk_runs == 3
        store.delete(job.id)
        store.count_chunk_start(job.id)  # a start racing a delete is dropped, not an error

    def test_checkpoints_survive_a_new_store(self, tmp_path: Path, store: JobStore) -> None:
        job = store.create(new_job())
        store.save_chunk(job.id, result(4))
        reopened = JobStore(store.engine.url.render_as_string(hide_password=False))
        assert reopened.chunk_results(job.id) == {4: result(4)}

    def test_progress_only_while_running(self, store: JobStore) -> None:
        job = store.create(new_job())
        store.update_progress(job.id, Progress(Stage.TRANSCRIBING, 50.0, 1, 2, 3.0))
        assert store.get(job.id).progress.percent == 0.0
        store.transition(job.id, JobStatus.RUNNING)
        store.update_progress(job.id, Progress(Stage.TRANSCRIBING, 50.0, 1, 2, 3.0))
        assert store.get(job.id).progress == Progress(Stage.TRANSCRIBING, 50.0, 1, 2, 3.0)

    def test_complete_stores_transcript_and_metrics(self, store: JobStore) -> None:
        job = store.create(new_job())
        store.transition(job.id, JobStatus.RUNNING)
        transcript = Transcript([result(0).segments[0]], "en", 12.5, "tiny.en", {"workers": 2})
        metrics = JobMetrics(wall_seconds=2.0, rtf=0.16, workers=2, peak_rss_bytes=3 * 2**30)
        done = store.complete(job.id, transcript, metrics)
        assert done.status is JobStatus.COMPLETED and done.progress.percent == 100.0
        assert done.metrics.peak_rss_bytes == 3 * 2**30
        assert store.transcript(job.id) == transcript

    def test_list_pages_filters_and_searches(self, store: JobStore) -> None:
        for index in range(5):
            store.create(new_job(name=f"Week {index}", filename=f"w{index}_100%.mp4"))
        store.create(new_job(owner="other", name="Week 9"))
        page, total = store.list_jobs(owner="", limit=2, offset=0)
        assert total == 5 and len(page) == 2
        assert page[0].name == "Week 4"  # newest first
        _, total = store.list_jobs(owner="", search="WEEK 3")
        assert total == 1
        _, total = store.list_jobs(owner="", search="_100%")  # LIKE wildcards are literal
        assert total == 5
        _, total = store.list_jobs(owner="", search="%")
        assert total == 5
        _, total = store.list_jobs(owner="", status=JobStatus.RUNNING)
        assert total == 0

    def test_delete_cascades(self, store: JobStore) -> None:
        job = store.create(new_job())
        store.save_chunk(job.id, result(0))
        store.delete(job.id)
        assert store.chunk_results(job.id) == {}
        with pytest.raises(JobNotFoundError):
            store.get(job.id)
        with pytest.raises(JobNotFoundError):
            store.save_chunk(job.id, result(1))
