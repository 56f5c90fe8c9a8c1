"""Deciding a recording's language from several windows of its speech (pure).

A lecture often opens with silence, music or small talk, so its first 30 s do not tell its
language. Each chunk is judged from up to `windows` of its decode windows spread evenly over its
speech (first, middle, last ...), each window's language probabilities summed (a vote weighted
by probability); the job's language is the same vote over its chunks, each weighted by its
seconds of speech, so every part of the media has a say. A chunk keeps a language other than
the job's only when its own vote is sure of it (`switch_probability`): a lecture that really
changes language keeps each part's, while a chunk of applause or a stray English sentence that
came out unsure is decoded again in the job's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Probabilities = Sequence[tuple[str, float]]
"""One window's (language, probability) pairs, as Whisper's language detection gives them."""


@dataclass(frozen=True, slots=True)
class Detection:
    """The language a vote chose and its share of the vote (0-1)."""

    language: str
    probability: float


def spread_indices(count: int, wanted: int) -> list[int]:
    """`wanted` indices spread evenly over `range(count)`, always the first and the last."""
    if count <= 0 or wanted <= 0:
        return []
    if wanted >= count:
        return list(range(count))
    if wanted == 1:
        return [count // 2]
    step = (count - 1) / (wanted - 1)
    return sorted({round(i * step) for i in range(wanted)})


def vote(windows: Iterable[Probabilities]) -> Detection | None:
    """The language with the highest summed probability over `windows`, and its mean."""
    scores: dict[str, float] = defaultdict(float)
    count = 0
    for probabilities in windows:
        count += 1
        for language, probability in probabilities:
            scores[language] += float(probability)
    if not scores:
        return None
    language = max(scores, key=lambda code: (scores[code], code))
    return Detection(language, min(1.0, scores[language] / count))


def combine(parts: Iterable[tuple[Detection, float]]) -> Detection | None:
    """The job's language from (chunk detection, seconds of speech) pairs: each chunk's
    probability mass counts for its language, weighted by its speech."""
    scores: dict[str, float] = defaultdict(float)
    total = 0.0
    for detection, weight in parts:
        weight = max(float(weight), 1e-6)
        scores[detection.language] += detection.probability * weight
        total += weight
    if not scores:
        return None
    language = max(scores, key=lambda code: (scores[code], code))
    return Detection(language, min(1.0, scores[language] / total))


def to_redo(
    chunks: Iterable[tuple[int, Detection]], job: Detection, switch_probability: float
) -> list[int]:
    """Indices of chunks detected as another language than the job's, but not surely."""
    return [
        index
        for index, detection in chunks
        if detection.language != job.language and detection.probability < switch_probability
    ]
