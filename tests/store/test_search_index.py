"""The full-text index on SQLite: query sanitising, ranking, escaped snippets with <mark>,
owners, completed jobs only, re-indexing, and removal when a job is deleted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from video_transcriber.domain import JobStatus, Segment, Transcript
from video_transcriber.store.job import JobMetrics, NewJob
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.search_index import (
    SearchIndex,
    quoted_query,
    search_terms,
    snippet_html,
)


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[JobStore]:
    """SQLite (FTS5), and PostgreSQL (tsvector) when the test servers run."""
    store = JobStore(database_url or f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    yield store
    store.close()


@pytest.fixture
def index(store: JobStore) -> SearchIndex:
    return SearchIndex(store.engine)


def completed(
    store: JobStore, index: SearchIndex, texts: Sequence[str], *, owner: str = "", name: str = "j"
) -> str:
    job = store.create(
        NewJob(owner=owner, name=name, filename="a.wav", media_path="", size_bytes=1)
    )
    segments = [Segment(2.0 * i, 2.0 * i + 2, text) for i, text in enumerate(texts)]
    store.transition(job.id, JobStatus.RUNNING)
    index.replace(job.id, segments)
    store.complete(job.id, Transcript(segments, "en", 2.0 * len(texts)), JobMetrics())
    return job.id


def test_search_terms_keep_words_and_phrases_only() -> None:
    assert search_terms('entropy "second  law" NEAR(x, 2) OR -y*') == [
        "entropy",
        "second law",
        "x",
        "2",
        "y",
    ]
    assert search_terms('"OR" or') == ["OR"]  # quoted or lower-case: a word
    assert search_terms('" * ( ) : ^') == []
    assert search_terms("Entropy entropy") == ["Entropy"]
    assert quoted_query(["second law", "x"]) == '"second law" "x"'


def test_snippets_escape_everything_but_the_marks() -> None:
    assert snippet_html("a <b> \x02c&d\x03 \x03e") == "a &lt;b&gt; <mark>c&amp;d</mark> e"
    assert snippet_html("\x02open") == "<mark>open</mark>"
    assert snippet_html("the \x02second\x03 \x02law\x03 of") == "the <mark>second law</mark> of"


def test_ranking_snippets_and_times(store: JobStore, index: SearchIndex) -> None:
    frequent = completed(store, index, ["Entropy, entropy and more entropy.", "Heat."], name="A")
    rare = completed(store, index, ["Printing presses; entropy once, among many words."])
    page = index.search("ENTROPY", owner="")
    assert page.total == 2
    assert [hit.job_id for hit in page.hits] == [frequent, rare]
    best = page.hits[0]
    assert (best.job_name, best.segment_index, best.start, best.end) == ("A", 0, 0.0, 2.0)
    assert (
        best.snippet == "<mark>Entropy</mark>, <mark>entropy</mark> and more <mark>entropy</mark>."
    )


def test_markup_in_speech_is_escaped(store: JobStore, index: SearchIndex) -> None:
    completed(store, index, ["<script>alert('entropy')</script> \x02x\x03"])
    [hit] = index.search("entropy", owner="").hits
    assert "<script>" not in hit.snippet
    assert hit.snippet.startswith("&lt;script&gt;alert('<mark>entropy</mark>')")
    assert hit.snippet.count("<mark>") == 1  # stored marker characters were stripped


def test_owners_and_unfinished_jobs_are_invisible(store: JobStore, index: SearchIndex) -> None:
    mine = completed(store, index, ["entropy"], owner="alice")
    completed(store, index, ["entropy"], owner="bob")
    running = store.create(
        NewJob(owner="alice", name="r", filename="r", media_path="", size_bytes=1)
    )
    index.replace(running.id, [Segment(0, 1, "entropy")])
    assert [h.job_id for h in index.search("entropy", owner="alice").hits] == [mine]
    assert index.search("entropy", owner="carol").total == 0
    assert index.search("entropy", owner=None).total == 2


def test_reindex_replaces_and_delete_removes(store: JobStore, index: SearchIndex) -> None:
    job_id = completed(store, index, ["entropy", "enthalpy"])
    assert index.replace(job_id, [Segment(0, 1, "only enthalpy now"), Segment(1, 2, "  ")]) == 1
    assert index.search("entropy", owner="").total == 0
    assert index.search("enthalpy", owner="").total == 1
    store.delete(job_id)
    assert index.indexed_count(job_id) == 0
    assert index.search("enthalpy", owner="").total == 0


def test_hostile_queries_do_not_raise(store: JobStore, index: SearchIndex) -> None:
    completed(store, index, ["ask not what your country can do for you"])
    for query in ['"', "*", "OR", "NEAR(", "country NEAR(", "AND OR NOT", '"a" AND "', "c:*"]:
        index.search(query, owner="")
    assert index.search('NEAR( "your country" OR', owner="").total == 1
