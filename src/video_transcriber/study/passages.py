"""Passages: runs of whole sentences of about `passage_words` words, in time order, not overlapping.

A passage is the one unit the study tools embed: chapter segmentation compares neighbouring
passages, semantic search returns them, so each vector is computed once. Passages never split a
sentence (a hit's snippet reads as text) and never overlap (embedding cost is the transcript's
length, once). A passage closes early before a pause of `PAUSE_BREAK` seconds or more, where the
speaker most likely moved on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from video_transcriber.domain import Segment
from video_transcriber.insights.sentences import Sentence, count_words, sentences_of

PAUSE_BREAK = 3.0
"""Seconds of silence after which a passage ends even if it is short."""


@dataclass(frozen=True, slots=True)
class Passage:
    """Sentences `first_sentence` … `first_sentence + sentence_count - 1` of the transcript."""

    index: int
    text: str
    start: float
    end: float
    first_sentence: int
    sentence_count: int
    segment_index: int = 0
    """The segment the passage starts in."""

    @property
    def sentence_indices(self) -> range:
        return range(self.first_sentence, self.first_sentence + self.sentence_count)


def pause_before(sentences: Sequence[Sentence], index: int) -> float:
    """Seconds of silence between sentence `index - 1` and sentence `index` (0 for the first)."""
    if index <= 0 or index >= len(sentences):
        return 0.0
    return max(0.0, sentences[index].start - sentences[index - 1].end)


def build_passages(sentences: Sequence[Sentence], *, target_words: int) -> list[Passage]:
    """Group `sentences` into passages of about `target_words` words (a long sentence is alone)."""
    passages: list[Passage] = []
    first, words = 0, 0
    for index, sentence in enumerate(sentences):
        if index > first and (
            words + count_words(sentence.text) > target_words * 1.25
            or pause_before(sentences, index) >= PAUSE_BREAK
        ):
            passages.append(_passage(len(passages), sentences, first, index))
            first, words = index, 0
        words += count_words(sentence.text)
        if words >= target_words:
            passages.append(_passage(len(passages), sentences, first, index + 1))
            first, words = index + 1, 0
    if first < len(sentences):
        if passages and words < target_words / 3 and pause_before(sentences, first) < PAUSE_BREAK:
            # A short tail joins the passage before it rather than standing alone.
            first = passages.pop().first_sentence
        passages.append(_passage(len(passages), sentences, first, len(sentences)))
    return passages


def _passage(index: int, sentences: Sequence[Sentence], first: int, stop: int) -> Passage:
    chosen = sentences[first:stop]
    return Passage(
        index=index,
        text=" ".join(sentence.text for sentence in chosen),
        start=chosen[0].start,
        end=max(sentence.end for sentence in chosen),
        first_sentence=first,
        sentence_count=stop - first,
        segment_index=chosen[0].segment_index,
    )


def passages_of(segments: Sequence[Segment], *, target_words: int) -> list[Passage]:
    """Shortcut: the passages of a segment list."""
    return build_passages(sentences_of(segments), target_words=target_words)
