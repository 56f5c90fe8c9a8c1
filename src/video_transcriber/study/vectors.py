"""Passage vectors at rest and in search: a float32 blob per passage, brute-force cosine in numpy.

Blobs are the 384 float32 values little-endian (1,536 bytes): portable between machines and
between SQLite and PostgreSQL `bytea`, and read back without copying. Vectors are unit length,
so cosine is a dot product, and a query over N passages is one (N x 384) matrix-vector product:
1,000 lecture-hours (~150,000 passages, 230 MB) answer in tens of milliseconds on one core
(`bench/study.py` measures it), so no approximate index is needed up to millions of passages.
`VectorMatrix` keeps the rows with a parallel array of owner keys so that visibility (which
sessions the caller may see) is a boolean mask applied before ranking, never after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from video_transcriber.study.embedding import DIMENSION

_DTYPE = np.dtype("<f4")
BLOB_BYTES = DIMENSION * _DTYPE.itemsize


def to_blob(vector: np.ndarray) -> bytes:
    """One vector as stored: DIMENSION little-endian float32 values."""
    values = np.asarray(vector, dtype=_DTYPE).reshape(-1)
    if values.shape != (DIMENSION,):
        raise ValueError(f"a passage vector has {DIMENSION} values, not {values.size}")
    return values.tobytes()


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored blobs as one (len(blobs), DIMENSION) float32 matrix."""
    if not blobs:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    bad = next((len(blob) for blob in blobs if len(blob) != BLOB_BYTES), None)
    if bad is not None:
        raise ValueError(f"a stored passage vector has {bad} bytes, not {BLOB_BYTES}")
    joined = np.frombuffer(b"".join(blobs), dtype=_DTYPE)
    return joined.reshape(len(blobs), DIMENSION).astype(np.float32, copy=False)


@dataclass(frozen=True, slots=True)
class Ranked:
    """Row `row` of the matrix with its cosine to the query."""

    row: int
    score: float


class VectorMatrix:
    """Unit vectors with a group key per row (a job id), searched by brute force.

    Group keys are kept as integer codes, so the visibility mask is one `np.isin` over the
    codes rather than a Python loop over every row.
    """

    def __init__(self, vectors: np.ndarray, groups: Sequence[str]) -> None:
        if len(vectors) != len(groups):
            raise ValueError("one group key per vector")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, DIMENSION)
        self._codes: dict[str, int] = {}
        self.groups = np.fromiter(
            (self._codes.setdefault(group, len(self._codes)) for group in groups),
            dtype=np.int32,
            count=len(groups),
        )

    def __len__(self) -> int:
        return len(self.vectors)

    def top(
        self, query: np.ndarray, *, limit: int, allowed: set[str] | None = None
    ) -> list[Ranked]:
        """The `limit` rows most similar to `query`, best first; only rows whose group is in
        `allowed` when it is given."""
        if len(self.vectors) == 0 or limit <= 0:
            return []
        scores = self.vectors @ np.asarray(query, dtype=np.float32).reshape(DIMENSION)
        if allowed is not None:
            codes = [self._codes[group] for group in allowed if group in self._codes]
            scores = np.where(np.isin(self.groups, codes), scores, -np.inf)
        limit = min(limit, len(scores))
        best = np.argpartition(-scores, limit - 1)[:limit]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [Ranked(int(row), float(scores[row])) for row in best if np.isfinite(scores[row])]
