"""Who is who: window embeddings → one speaker label per window, the number of speakers unknown.

Design: agglomerative clustering, average linkage over cosine distance (scipy), cut where the
clusters being joined are `threshold` apart on average, or at `speakers` clusters when the
caller knows the number. A lecture is often one voice: when every window sits within the
threshold of the rest, one cluster comes out and nothing is invented. Then two refinements:

- *re-assignment*: each window moves to the speaker whose mean voice it is nearest (k-means
  steps from the clustering's result), which repairs windows that average linkage chained into
  the wrong cluster;
- *tiny clusters*: a cluster of fewer than `min_windows` windows (about 2 s of speech) is too
  little to be a person; its windows join their nearest speaker.

scipy's `cluster.hierarchy` is imported on the first clustering, not with this module: it
brings `scipy.spatial`, `sparse` and `linalg`, ~40 MB of every process that imports the
pipeline, which most transcriptions (no speakers asked for) never use.

Scale: average linkage needs all pairwise distances (N²/2 doubles). Up to `MAX_LINKAGE`
windows (64 MB, an 80-minute recording at 0.8 s steps) it runs on all of them; beyond, on an
even sample of that many, and every window is then assigned to its nearest speaker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_LINKAGE = 4000
REFINE_STEPS = 3


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    threshold: float = 0.4
    """Average cosine distance at which clusters stop joining."""
    speakers: int | None = None
    """Exactly this many speakers (as far as there are windows), or None to find out."""
    max_speakers: int = 10
    min_windows: int = 3
    """Clusters smaller than this are folded into their nearest neighbour."""


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return _normalised(np.stack([embeddings[labels == k].mean(axis=0) for k in np.unique(labels)]))


def _linkage_labels(embeddings: np.ndarray, options: ClusterOptions) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(embeddings, method="average", metric="cosine")
    if options.speakers is not None:
        return np.asarray(fcluster(tree, t=options.speakers, criterion="maxclust"))
    labels = np.asarray(fcluster(tree, t=options.threshold, criterion="distance"))
    if len(np.unique(labels)) > options.max_speakers:
        labels = np.asarray(fcluster(tree, t=options.max_speakers, criterion="maxclust"))
    return labels


def _nearest(embeddings: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return np.asarray(np.argmax(embeddings @ centroids.T, axis=1))


def _fold_tiny(embeddings: np.ndarray, labels: np.ndarray, min_windows: int) -> np.ndarray:
    """Windows of clusters below `min_windows` go to the nearest cluster that is large enough."""
    values, counts = np.unique(labels, return_counts=True)
    keep = values[counts >= min_windows]
    if len(keep) == 0 or len(keep) == len(values):
        return labels
    centroids = np.stack([_normalised(embeddings[labels == k].mean(0)[None])[0] for k in keep])
    tiny = ~np.isin(labels, keep)
    labels = labels.copy()
    labels[tiny] = keep[_nearest(embeddings[tiny], centroids)]
    return labels


def _refine(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    for _ in range(REFINE_STEPS):
        values = np.unique(labels)
        moved = values[_nearest(embeddings, _centroids(embeddings, labels))]
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def in_order_of_appearance(labels: np.ndarray) -> np.ndarray:
    """0 for the first voice heard, 1 for the next new one, and so on."""
    order: dict[int, int] = {}
    for label in labels.tolist():
        order.setdefault(label, len(order))
    return np.array([order[label] for label in labels.tolist()], dtype=np.int64)


def cluster(embeddings: np.ndarray, options: ClusterOptions) -> np.ndarray:
    """A speaker number (0, 1, ...; in order of first appearance) for every embedding."""
    count = len(embeddings)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if count == 1 or options.speakers == 1:
        return np.zeros(count, dtype=np.int64)
    embeddings = _normalised(np.asarray(embeddings, dtype=np.float64))
    if count <= MAX_LINKAGE:
        labels = _linkage_labels(embeddings, options)
    else:
        sample = np.linspace(0, count - 1, MAX_LINKAGE).round().astype(np.int64)
        sampled = _linkage_labels(embeddings[sample], options)
        labels = np.unique(sampled)[_nearest(embeddings, _centroids(embeddings[sample], sampled))]
    if options.speakers is None:
        labels = _fold_tiny(embeddings, labels, options.min_windows)
    labels = _refine(embeddings, labels)
    if options.speakers is None:
        labels = _fold_tiny(embeddings, labels, options.min_windows)
    return in_order_of_appearance(labels)
