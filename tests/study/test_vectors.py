"""Vector blobs and brute-force search: blobs round-trip exactly, a wrong size is refused, and
the visibility mask is applied before ranking, so rows of groups the caller may not see never
come back even when they are the best match."""

from __future__ import annotations

import numpy as np
import pytest

from video_transcriber.study.fusion import fuse, moment_key
from video_transcriber.study.vectors import BLOB_BYTES, VectorMatrix, from_blobs, to_blob


def _unit(rows: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_blobs_round_trip_bit_for_bit() -> None:
    vectors = _unit(3)
    blobs = [to_blob(vector) for vector in vectors]
    assert {len(blob) for blob in blobs} == {BLOB_BYTES} == {1536}
    np.testing.assert_array_equal(from_blobs(blobs), vectors)
    assert from_blobs([]).shape == (0, 384)


def test_a_vector_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError, match="384"):
        to_blob(np.zeros(100, dtype=np.float32))
    with pytest.raises(ValueError, match="1536"):
        from_blobs([b"\x00" * 10])


def test_top_ranks_by_cosine_and_honours_the_allowed_groups() -> None:
    vectors = _unit(50, seed=1)
    groups = ["mine" if i % 2 else "theirs" for i in range(50)]
    matrix = VectorMatrix(vectors, groups)
    query = vectors[10]  # a row of "theirs": the best match overall
    everyone = matrix.top(query, limit=3)
    assert everyone[0].row == 10 and everyone[0].score == pytest.approx(1.0, abs=1e-5)
    assert [r.score for r in everyone] == sorted((r.score for r in everyone), reverse=True)
    mine = matrix.top(query, limit=100, allowed={"mine"})
    assert len(mine) == 25
    assert all(groups[r.row] == "mine" for r in mine)
    assert matrix.top(query, limit=5, allowed=set()) == []


def test_rank_fusion_prefers_what_both_lists_found() -> None:
    keyword = ["a", "b", "c"]
    semantic = ["d", "c", "a"]
    fused = [item for item, _ in fuse([keyword, semantic])]
    assert fused[:2] == ["a", "c"]  # in both lists
    assert set(fused) == {"a", "b", "c", "d"}
    assert fuse([]) == []


def test_a_keyword_hit_is_credited_to_the_passage_holding_its_start() -> None:
    starts = [0.0, 20.0, 45.0]
    assert [moment_key(starts, t) for t in (0.0, 19.9, 20.0, 60.0)] == [0, 0, 1, 2]
