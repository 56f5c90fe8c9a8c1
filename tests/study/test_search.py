"""Semantic passage search with the real model: a paraphrase that shares no content word with
the transcript finds its session and moment, and sessions outside the caller's set are never
returned, even when they hold the best match."""

from __future__ import annotations

import pytest

from testkit.evaluation.paraphrases import (
    QUERIES,
    SESSIONS,
    Paraphrase,
    moment_span,
    shared_words,
)
from testkit.evaluation.topic_lecture import layout, reference_segments
from video_transcriber.insights.sentences import Sentence, sentences_of
from video_transcriber.study.embedding import E5Embedder
from video_transcriber.study.passages import Passage, build_passages
from video_transcriber.study.vectors import VectorMatrix

CHOSEN = ("objects", "dinner", "facts", "inaugural")


@pytest.fixture(scope="module")
def index(
    embedder: E5Embedder,
) -> tuple[VectorMatrix, list[tuple[str, Passage]], dict[str, list[Sentence]]]:
    rows: list[tuple[str, Passage]] = []
    sentences: dict[str, list[Sentence]] = {}
    for name in CHOSEN:
        lecture = layout((name,), topic_seconds=0.0, seed=2, catalogue=SESSIONS)
        sentences[name] = sentences_of(reference_segments(lecture))
        rows += [(name, p) for p in build_passages(sentences[name], target_words=20)]
    matrix = VectorMatrix(embedder.passages([p.text for _, p in rows]), [n for n, _ in rows])
    return matrix, rows, sentences


def test_the_paraphrase_queries_share_no_content_word_with_their_sessions() -> None:
    assert len(QUERIES) >= 20
    for query in QUERIES:
        references = [layout((query.session,), topic_seconds=0.0, catalogue=SESSIONS)]
        said = [p.clip.reference for p in references[0].placements]
        assert shared_words(query.query, said) == set(), query.query


PICKED = [q for q in QUERIES if q.query.split()[0] in ("jewellery", "he", "red", "the")]
"""Four of the set: earrings, the hungry boy, cabbage juice, the inaugural address."""


@pytest.mark.parametrize(
    "query", [q for q in PICKED if q.session in CHOSEN], ids=lambda q: q.session
)
def test_a_paraphrase_finds_its_session_and_moment(
    index: tuple[VectorMatrix, list[tuple[str, Passage]], dict[str, list[Sentence]]],
    embedder: E5Embedder,
    query: Paraphrase,
) -> None:
    matrix, rows, sentences = index
    start, end = moment_span(query.quote, sentences[query.session])
    best = matrix.top(embedder.query(query.query), limit=1)[0]
    name, passage = rows[best.row]
    assert name == query.session
    assert passage.start <= end and passage.end >= start


def test_sessions_the_caller_may_not_see_never_come_back(
    index: tuple[VectorMatrix, list[tuple[str, Passage]], dict[str, list[Sentence]]],
    embedder: E5Embedder,
) -> None:
    matrix, rows, _ = index
    question = embedder.query("the president urged citizens to serve the nation")
    assert rows[matrix.top(question, limit=1)[0].row][0] == "inaugural"
    visible = {"objects", "dinner", "facts"}
    hits = matrix.top(question, limit=len(rows), allowed=visible)
    assert hits and {rows[hit.row][0] for hit in hits} <= visible
    assert len(hits) == sum(1 for name, _ in rows if name in visible)
