"""Topic segmentation: where a lecture changes subject, from its passages' embeddings.

TextTiling (Hearst 1997) with sentence embeddings instead of word counts:
1. at every gap between passages, the cosine between the mean vector of the `BLOCK` passages
   before it and of the `BLOCK` after it (a topic change is a valley in this curve);
2. each gap's depth: how far the curve climbs from it to the nearest peak on the left plus on
   the right, so a valley counts by its walls, not by the absolute similarity (which differs
   from speaker to speaker and subject to subject);
3. gaps at least `boundary_depth` deep become boundaries, deepest first, as long as every
   chapter stays at least `min_chapter_seconds` long; a one-topic talk has only shallow
   ripples and stays one chapter;
4. each boundary is refined to a sentence boundary inside the two passages around it: the cut
   goes where the sentences before it share most words with the topic before and those after
   it with the topic after (TF-IDF cosines, free: embedding single sentences would cost a
   third again of the passage pass), with a bonus for a pause, since people change subject
   between sentences, usually after a breath.
Pure: numpy in, sentence indices out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from video_transcriber.insights.sentences import Sentence
from video_transcriber.study.passages import Passage, pause_before

BLOCK = 3
"""Passages on each side of a gap whose mean vectors are compared (~1 minute of speech each)."""
PAUSE_WEIGHT = 0.05
"""Score bonus per second of pause before a refined cut (a sentence's word match is ~0.1-0.3)."""
PAUSE_CAP = 2.0
"""Pauses longer than this earn no more bonus."""


@dataclass(frozen=True, slots=True)
class ChapterSpan:
    """Sentences `first` … `stop - 1`, from `start` to `end` seconds."""

    first: int
    stop: int
    start: float
    end: float


def gap_similarities(vectors: np.ndarray, *, block: int = BLOCK) -> np.ndarray:
    """Cosine between the blocks before and after each of the `len(vectors) - 1` gaps."""
    count = len(vectors)
    if count < 2:
        return np.zeros(0, dtype=np.float32)
    cumulative = np.vstack([np.zeros((1, vectors.shape[1])), np.cumsum(vectors, axis=0)])
    gaps = np.arange(1, count)
    left = cumulative[gaps] - cumulative[np.maximum(0, gaps - block)]
    right = cumulative[np.minimum(count, gaps + block)] - cumulative[gaps]
    left /= np.linalg.norm(left, axis=1, keepdims=True) + 1e-9
    right /= np.linalg.norm(right, axis=1, keepdims=True) + 1e-9
    return np.asarray(np.sum(left * right, axis=1), dtype=np.float32)


def depth_scores(similarities: np.ndarray) -> np.ndarray:
    """TextTiling depth at each valley (a gap no higher than its neighbours; 0 elsewhere):
    the climb to the highest point on the left while the curve rises, plus on the right."""
    depths = np.zeros_like(similarities)
    last = len(similarities) - 1
    for index, value in enumerate(similarities):
        if (index > 0 and similarities[index - 1] < value) or (
            index < last and similarities[index + 1] < value
        ):
            continue
        depths[index] = _climb(similarities[index::-1]) + _climb(similarities[index:]) - 2 * value
    return depths


def _climb(curve: np.ndarray) -> float:
    top = float(curve[0])
    for value in curve[1:]:
        if value < top:
            break
        top = float(value)
    return top


def segment(
    passages: Sequence[Passage],
    vectors: np.ndarray,
    sentences: Sequence[Sentence],
    *,
    lexical: np.ndarray,
    min_chapter_seconds: float,
    boundary_depth: float,
) -> list[ChapterSpan]:
    """Chapters covering every sentence, in order; at least one when there is any sentence."""
    if not sentences:
        return []
    depths = depth_scores(gap_similarities(vectors))
    cuts: list[int] = []
    slack = max((p.end - p.start for p in passages), default=0.0)
    for gap in np.argsort(-depths, kind="stable"):
        if depths[gap] < boundary_depth:
            break
        natural = passages[int(gap) + 1].first_sentence
        if not _fits(natural, cuts, sentences, min_chapter_seconds - slack):
            continue  # no room here, wherever the refinement would put it
        cut = refine(passages, lexical, sentences, int(gap) + 1)
        if _fits(cut, cuts, sentences, min_chapter_seconds):
            cuts.append(cut)
    return _spans(sorted(cuts), sentences)


def refine(
    passages: Sequence[Passage], lexical: np.ndarray, sentences: Sequence[Sentence], gap: int
) -> int:
    """The first sentence of the new chapter, within the two passages around passage gap `gap`.

    Each sentence there (its row of `lexical`, unit TF-IDF vectors of every sentence) is
    compared with the words of the topic before (the `BLOCK` passages left of the pair) and of
    the topic after (right of it); the cut is where sentences before it best match the topic
    before and those after it the topic after, plus a bonus for the pause before the cut
    (`PAUSE_WEIGHT` per second, up to `PAUSE_CAP`).
    """
    window = range(passages[gap - 1].first_sentence, passages[gap].sentence_indices.stop)
    left_passages = passages[max(0, gap - 1 - BLOCK) : gap - 1] or passages[gap - 1 : gap]
    right_passages = passages[gap + 1 : gap + 1 + BLOCK] or passages[gap : gap + 1]
    before = _centroid(lexical, left_passages)
    after = _centroid(lexical, right_passages)
    rows = lexical[window.start : window.stop]
    left = np.concatenate([[0.0], np.cumsum(rows @ before)])
    right = np.concatenate([np.cumsum((rows @ after)[::-1])[::-1], [0.0]])
    best, best_score = passages[gap].first_sentence, -np.inf
    for offset in range(len(window) + 1):
        cut = window.start + offset
        if cut <= 0 or cut >= len(sentences):
            continue
        pause = min(pause_before(sentences, cut), PAUSE_CAP)
        score = left[offset] + right[offset] + PAUSE_WEIGHT * pause
        if score > best_score:
            best, best_score = cut, score
    return best


def _centroid(lexical: np.ndarray, passages: Sequence[Passage]) -> np.ndarray:
    rows = np.concatenate([lexical[p.first_sentence : p.sentence_indices.stop] for p in passages])
    mean = rows.mean(axis=0)
    return np.asarray(mean / (np.linalg.norm(mean) + 1e-9), dtype=np.float32)


def _fits(cut: int, cuts: Sequence[int], sentences: Sequence[Sentence], min_seconds: float) -> bool:
    if cut <= 0 or cut >= len(sentences):
        return False
    edges = [0, *sorted(cuts), len(sentences)]
    before = max(edge for edge in edges if edge < cut) if cut not in edges else None
    if before is None:
        return False
    after = min(edge for edge in edges if edge > cut)
    start_of = _start_time(sentences, before)
    end_of = _start_time(sentences, after)
    here = sentences[cut].start
    return here - start_of >= min_seconds and end_of - here >= min_seconds


def _start_time(sentences: Sequence[Sentence], index: int) -> float:
    return sentences[index].start if index < len(sentences) else sentences[-1].end


def _spans(cuts: Sequence[int], sentences: Sequence[Sentence]) -> list[ChapterSpan]:
    edges = [0, *cuts, len(sentences)]
    return [
        ChapterSpan(
            first=first,
            stop=stop,
            start=sentences[first].start,
            end=sentences[stop - 1].end,
        )
        for first, stop in itertools.pairwise(edges)
    ]
