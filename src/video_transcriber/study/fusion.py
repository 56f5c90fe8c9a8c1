"""Hybrid ranking: reciprocal rank fusion (RRF) of keyword and semantic result lists.

RRF (Cormack et al. 2009) scores an item `sum(1 / (k + rank))` over the lists it appears in.
It needs no score calibration — bm25 and cosine live on different scales — and an item both
searches find beats one only one of them found. Items are keyed by (job, moment): a keyword hit
is a segment and a semantic hit a passage, so a keyword hit is credited to the passage that
holds its start time before fusing (`moment_key`), and the two lists speak of the same thing.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60
"""The constant of the original paper; ranks beyond ~k matter little."""


def fuse(rankings: Sequence[Sequence[K]], *, k: int = RRF_K) -> list[tuple[K, float]]:
    """Items of all `rankings` (each best first) by fused score, best first; ties keep the
    order of first appearance."""
    scores: dict[K, float] = {}
    for ranking in rankings:
        seen: set[K] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def moment_key(passage_starts: Sequence[float], time: float) -> int:
    """Index of the passage (by sorted start times) that holds `time`; 0 before the first."""
    return max(0, bisect.bisect_right(passage_starts, time + 1e-6) - 1)
