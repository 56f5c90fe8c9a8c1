"""Which sentences carry a text: LexRank (TextRank on TF-IDF cosines) and a diverse pick.

Sentences are graph nodes, edges are the TF-IDF cosine between two sentences, and a sentence's
score is its PageRank: central sentences are those many others resemble. Lexical, not
embedded, by design: it costs no model time (a lecture hour is ~700 sentences, a sparse graph
in milliseconds) while the embedding budget goes to passages, which search needs anyway.
`pick` then takes the best sentences that do not repeat one already taken (cosine ≤
`REDUNDANT`), so a point the lecturer makes three times is listed once.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

REDUNDANT = 0.5
"""TF-IDF cosine above which a sentence counts as a repeat of one already picked."""
DAMPING = 0.85
MIN_WORDS = 5
"""Shorter sentences ("Okay.", "Right, so.") are never picked."""
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_STOP = frozenset(
    " ".join(
        (
            "a an the and or but if of to in on at by for with from as is are was were be",
            "been being it its this that these those there here i you he she we they me him",
            "her us them my your his our their so not no do does did have has had will would",
            "can could should may might just very also then than what which who whom when",
            "where why how all any some such into about up down out over again once s t don",
            "ll re ve m um uh okay yeah",
        )
    ).split()
)


def words_of(text: str) -> list[str]:
    """Lower-case content words of `text` (stop words and numbers left out)."""
    return [w for w in (m.casefold() for m in _WORD.findall(text)) if w not in _STOP]


def tfidf_matrix(texts: Sequence[str]) -> np.ndarray:
    """Row-normalised TF-IDF vectors of `texts` over their own vocabulary."""
    counts = [Counter(words_of(text)) for text in texts]
    vocabulary = {word: i for i, word in enumerate(sorted(set().union(*counts)))}
    matrix = np.zeros((len(texts), max(1, len(vocabulary))), dtype=np.float32)
    documents = Counter(word for count in counts for word in count)
    for row, count in enumerate(counts):
        for word, times in count.items():
            idf = math.log((1 + len(texts)) / (1 + documents[word])) + 1.0
            matrix[row, vocabulary[word]] = (1 + math.log(times)) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def lexrank(vectors: np.ndarray, *, iterations: int = 50) -> np.ndarray:
    """PageRank score of each row in the graph of cosines between rows (self-loops removed)."""
    count = len(vectors)
    if count == 0:
        return np.zeros(0)
    weights = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.where(totals > 0, weights / np.where(totals == 0, 1.0, totals), 1.0 / count)
    scores = np.full(count, 1.0 / count)
    for _ in range(iterations):
        updated = (1 - DAMPING) / count + DAMPING * (transition.T @ scores)
        if np.abs(updated - scores).sum() < 1e-9:
            return updated
        scores = updated
    return scores


def pick(
    texts: Sequence[str],
    scores: np.ndarray,
    vectors: np.ndarray,
    *,
    count: int,
    required: Sequence[Sequence[int]] = (),
) -> list[int]:
    """Indices of up to `count` high-scoring, mutually different texts, in text order.

    `required`: groups (chapters) from each of which the best text is taken first, while there
    is room, so a summary covers the whole lecture rather than its longest part.
    """
    eligible = [i for i, text in enumerate(texts) if len(_WORD.findall(text)) >= MIN_WORDS]
    eligible = eligible or list(range(len(texts)))
    order = sorted(eligible, key=lambda i: -scores[i])
    chosen: list[int] = []
    for group in required:
        members = [i for i in order if i in set(group)]  # best first
        if members and len(chosen) < count:
            _add_if_new(members, chosen, vectors)
    _add_if_new(order, chosen, vectors, limit=count)
    return sorted(chosen)


def _add_if_new(
    candidates: Sequence[int], chosen: list[int], vectors: np.ndarray, *, limit: int | None = None
) -> None:
    for index in candidates:
        if limit is not None and len(chosen) >= limit:
            return
        if index in chosen:
            continue
        if all(float(vectors[index] @ vectors[other]) <= REDUNDANT for other in chosen):
            chosen.append(index)
            if limit is None:
                return
