"""Search in the lecture's language, on SQLite and (with the test servers) PostgreSQL: a query
with or without accents finds the French lecture, a German query the German one, stemmed in
German on PostgreSQL. Segment texts are the corpus's FLEURS references (real sentences)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.evaluation.corpus import clip
from video_transcriber.domain import JobStatus, Segment, Transcript
from video_transcriber.store.job import JobMetrics, NewJob
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.search_index import SearchIndex


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[JobStore]:
    store = JobStore(database_url or f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    yield store
    store.close()


def _lecture(store: JobStore, index: SearchIndex, language: str, names: list[str]) -> str:
    job = store.create(
        NewJob(owner="", name=language, filename="a.mp4", media_path="", size_bytes=1)
    )
    segments = [
        Segment(10.0 * i, 10.0 * i + 9, clip(name).reference, language=language)
        for i, name in enumerate(names)
    ]
    store.transition(job.id, JobStatus.RUNNING)
    index.replace(job.id, segments, language)
    store.complete(job.id, Transcript(segments, language, 30.0), JobMetrics())
    return job.id


@pytest.fixture
def lectures(store: JobStore) -> tuple[SearchIndex, dict[str, str]]:
    index = SearchIndex(store.engine)
    ids = {
        "fr": _lecture(store, index, "fr", ["fleurs_fr_000.ogg", "fleurs_fr_002.ogg"]),
        "de": _lecture(store, index, "de", ["fleurs_de_001.ogg", "fleurs_de_002.ogg"]),
        "es": _lecture(store, index, "es", ["fleurs_es_002.ogg"]),
    }
    return index, ids


@pytest.mark.parametrize("query", ["développement", "developpement", "DÉVELOPPEMENT"])
def test_accents_or_not_find_the_french_lecture(
    lectures: tuple[SearchIndex, dict[str, str]], query: str
) -> None:
    index, ids = lectures
    page = index.search(query, owner="")
    assert [hit.job_id for hit in page.hits] == [ids["fr"]]
    assert page.hits[0].start == 10.0  # the second segment: fleurs_fr_002
    # PostgreSQL marks the words its stemmer matched in the text as said: only with accents.
    assert "<mark>" in page.hits[0].snippet or query == "developpement"


def test_a_german_query_finds_the_german_lecture(
    lectures: tuple[SearchIndex, dict[str, str]],
) -> None:
    index, ids = lectures
    page = index.search("Unabhängigkeitserklärung", owner="")
    assert [hit.job_id for hit in page.hits] == [ids["de"]]
    assert index.search("dinosaurier", owner="").hits[0].job_id == ids["de"]


def test_stored_segments_keep_their_language(
    store: JobStore, lectures: tuple[SearchIndex, dict[str, str]]
) -> None:
    _, ids = lectures
    transcript = store.transcript(ids["es"])
    assert transcript is not None
    assert [s.language for s in transcript.segments] == ["es"]
    assert store.get(ids["es"]).language == "es"
