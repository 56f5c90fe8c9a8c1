"""Keyword lists and stored insights: defaults per owner, edits, per-job keywords, staleness by
fingerprint, the completion hook, backfill, and the migration's tables."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus, Segment, Transcript
from video_transcriber.jobs.job_insights import JobInsights
from video_transcriber.store.job import Job, JobMetrics, NewJob
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.keyword_lists import MAX_KEYWORDS, KeywordStore, clean_keywords

SEGMENTS = [
    Segment(0.0, 3.0, "Entropy always grows. Is that"),
    Segment(3.0, 5.0, "clear? This will be on the test."),
]


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[JobStore]:
    """SQLite, and PostgreSQL when VT_TEST_POSTGRES_URL is set (always on CI)."""
    store = JobStore(database_url or f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    yield store
    store.close()


@pytest.fixture
def service(store: JobStore) -> JobInsights:
    return JobInsights(store, Settings(keywords=["entropy"]))


def finished(store: JobStore, owner: str = "", *, hook: JobInsights | None = None) -> Job:
    job = store.create(NewJob(owner=owner, name="n", filename="f", media_path="", size_bytes=1))
    store.transition(job.id, JobStatus.RUNNING)
    transcript = Transcript(list(SEGMENTS), "en", 10.0)
    if hook is not None:
        hook.transcript_ready(job.id, transcript)
    return store.complete(job.id, transcript, JobMetrics())


def test_migration_adds_tables(store: JobStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"job_insights", "keyword_lists", "segment_search"} <= tables
    if store.engine.dialect.name == "sqlite":
        assert "segment_fts" in tables


def test_global_lists_default_then_belong_to_their_owner(store: JobStore) -> None:
    keywords = KeywordStore(store.engine, ["Entropy", "entropy", " exam "])
    assert keywords.global_keywords("a") == ["Entropy", "exam"]
    assert keywords.add_global("a", ["EXAM", "heat  death"]) == ["Entropy", "exam", "heat death"]
    assert keywords.remove_global("a", "ENTROPY") == ["exam", "heat death"]
    assert keywords.remove_global("a", "entropy") is None
    assert keywords.set_global("a", []) == []
    assert keywords.global_keywords("a") == []
    assert keywords.global_keywords("b") == ["Entropy", "exam"]


def test_keyword_limits() -> None:
    with pytest.raises(ValueError, match="longer than"):
        clean_keywords(["x" * 101])
    with pytest.raises(ValueError, match="allowed"):
        clean_keywords([f"k{i}" for i in range(MAX_KEYWORDS + 1)])


def test_completion_hook_stores_insights_and_index(store: JobStore, service: JobInsights) -> None:
    job = finished(store, hook=service)
    found = service.insights_for(job)
    assert found is not None
    assert [(k.keyword, k.count) for k in found.keywords] == [("entropy", 1)]
    assert [q.text for q in found.questions] == ["Is that clear?"]
    assert [(c.phrase, c.start) for c in found.emphasis] == [("on the test", 3.0)]
    assert service.index.search("entropy", owner="").total == 1


def test_keyword_changes_make_stored_insights_stale(store: JobStore, service: JobInsights) -> None:
    job = finished(store, "alice", hook=service)
    service.keywords.set_global("alice", ["grows"])
    assert service.recompute_owner("alice") == 1
    assert service.recompute_owner("alice") == 0  # already current
    found = service.set_job_keywords(job, ["test"])
    assert found is not None
    assert [(k.keyword, k.count) for k in found.keywords] == [("test", 1), ("grows", 1)]
    service.keywords.add_global("alice", ["clear"])  # not recomputed eagerly: read notices
    current = service.insights_for(job)
    assert current is not None and [k.keyword for k in current.keywords][-1] == "clear"


def test_backfill_and_unfinished_jobs(store: JobStore, service: JobInsights) -> None:
    job = finished(store)  # completed without the hook, as before this feature
    assert service.index.indexed_count(job.id) == 0
    assert service.backfill() == 1
    assert service.index.indexed_count(job.id) == 2
    assert service.backfill() == 0
    queued = store.create(NewJob(owner="", name="q", filename="f", media_path="", size_bytes=1))
    assert service.insights_for(queued) is None
    service.job_completed(queued.id)  # not completed: nothing happens, nothing raises
    service.job_completed("no-such-job")


def test_refreshes_of_one_owner_share_a_recompute(
    service: JobInsights, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of keyword edits: calls while a recompute runs only ask it to go round again."""
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def recompute(owner: str) -> int:
        runs.append(owner)
        started.set()
        release.wait(5)
        return 0

    monkeypatch.setattr(service, "recompute_owner", recompute)
    first = threading.Thread(target=service.refresh_owner, args=("alice",))
    first.start()
    assert started.wait(5)
    for _ in range(20):
        service.refresh_owner("alice")  # returns at once: the running one goes round again
    release.set()
    first.join(5)
    assert runs == ["alice", "alice"]
    service.refresh_owner("alice")  # nothing running any more: it recomputes itself
    assert runs == ["alice", "alice", "alice"]
