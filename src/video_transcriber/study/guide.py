"""The study guide of one transcript: chapters, key sentences, key terms, and passage vectors.

`build_guide` is the one entry point: sentences → passages → one embedding pass → chapters
(segmented on the passage vectors), each titled with the lecture's key phrases said mostly in
it and summarised by its 1-3 most central sentences; the lecture's key sentences and key terms.
YAKE runs once over the whole transcript (it is a third of a guide's CPU time, so it is not
repeated per chapter). The passage vectors come back too, so the caller stores them for
semantic search without embedding the text twice. Chapters tile the recording: the first
starts at 0, each ends where the next starts, the last ends with the recording, as a chapters
track and a `0:00 Title` list expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from video_transcriber.config import StudySettings
from video_transcriber.domain import Segment
from video_transcriber.insights.keywords import phrase_pattern
from video_transcriber.insights.sentences import Sentence, sentences_of
from video_transcriber.study import chapters as segmentation
from video_transcriber.study.embedding import DIMENSION, Embedder
from video_transcriber.study.keyphrases import key_phrases
from video_transcriber.study.passages import Passage, build_passages
from video_transcriber.study.ranking import lexrank, pick, tfidf_matrix
from video_transcriber.study.terms import KeyTerm, key_terms

TITLE_CHARS = 60
"""Titles are cut to whole phrases within this many characters."""
PHRASE_POOL = 200
"""Key phrases taken from the whole transcript, for chapter titles and key terms."""
SUMMARY_SECONDS_PER_SENTENCE = 120.0
"""A chapter gets one summary sentence per this much time, at least 1 and at most 3."""


@dataclass(frozen=True, slots=True)
class Chapter:
    start: float
    end: float
    title: str
    summary: list[str]
    key_phrases: list[str]


@dataclass(frozen=True, slots=True)
class KeySentence:
    start: float
    end: float
    text: str
    chapter: int
    """Index of the chapter the sentence is in."""


@dataclass(slots=True)
class StudyGuide:
    chapters: list[Chapter]
    key_sentences: list[KeySentence]
    key_terms: list[KeyTerm]
    passages: list[Passage] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSION), np.float32))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready chapters, key sentences and key terms (not the vectors)."""
        return {
            "chapters": [asdict(chapter) for chapter in self.chapters],
            "key_sentences": [asdict(sentence) for sentence in self.key_sentences],
            "key_terms": [asdict(term) for term in self.key_terms],
        }


def build_guide(
    segments: Sequence[Segment],
    *,
    duration: float,
    embedder: Embedder,
    settings: StudySettings,
    language: str = "en",
) -> StudyGuide:
    """Everything the study tools derive from one transcript (one embedding pass)."""
    sentences = sentences_of(segments)
    if not sentences:
        return StudyGuide(chapters=[], key_sentences=[], key_terms=[])
    passages = build_passages(sentences, target_words=settings.passage_words)
    vectors = embedder.passages([passage.text for passage in passages])
    texts = [sentence.text for sentence in sentences]
    lexical = tfidf_matrix(texts)
    spans = segmentation.segment(
        passages,
        vectors,
        sentences,
        lexical=lexical,
        min_chapter_seconds=settings.min_chapter_seconds,
        boundary_depth=settings.boundary_depth,
    )
    scores = lexrank(lexical)
    end = max(duration, sentences[-1].end)
    pool = key_phrases(" ".join(texts), top=PHRASE_POOL, language=language)
    chapters = [
        _chapter(span, index, spans, sentences, lexical, end, pool, language)
        for index, span in enumerate(spans)
    ]
    chosen = pick(
        texts,
        scores,
        lexical,
        count=settings.key_sentences,
        required=[range(span.first, span.stop) for span in spans],
    )
    key = [
        KeySentence(sentences[i].start, sentences[i].end, texts[i], _chapter_of(i, spans))
        for i in chosen
    ]
    terms = key_terms(sentences, count=settings.key_terms, language=language, candidates=pool)
    return StudyGuide(chapters, key, terms, passages, vectors)


def _chapter(
    span: segmentation.ChapterSpan,
    index: int,
    spans: Sequence[segmentation.ChapterSpan],
    sentences: Sequence[Sentence],
    lexical: np.ndarray,
    end: float,
    pool: Sequence[str],
    language: str,
) -> Chapter:
    texts = [sentence.text for sentence in sentences[span.first : span.stop]]
    phrases = chapter_phrases(pool, texts, [s.text for s in sentences], top=10)
    if sum(" " in phrase for phrase in phrases) < 2:  # the lecture's phrases miss this chapter
        phrases = key_phrases(" ".join(texts), top=10, language=language)
    local = lexical[span.first : span.stop]
    length = span.end - span.start
    count = int(min(3, max(1, round(length / SUMMARY_SECONDS_PER_SENTENCE))))
    summary = [texts[i] for i in pick(texts, lexrank(local), local, count=count)]
    return Chapter(
        start=0.0 if index == 0 else span.start,
        end=spans[index + 1].start if index + 1 < len(spans) else end,
        title=title_from(phrases) or _first_words(texts[0]),
        summary=summary,
        key_phrases=phrases[:5],
    )


def chapter_phrases(
    pool: Sequence[str], chapter: Sequence[str], everything: Sequence[str], *, top: int = 5
) -> list[str]:
    """The lecture's key phrases (best first) said mostly in this chapter: at least half of
    their mentions fall in it. One YAKE pass over the whole transcript serves every chapter."""
    inside, overall = " ".join(chapter), " ".join(everything)
    chosen = []
    for phrase in pool:
        pattern = phrase_pattern(phrase)
        if pattern is None:
            continue
        here = len(pattern.findall(inside))
        if here and here * 2 >= len(pattern.findall(overall)):
            chosen.append(phrase)
        if len(chosen) == top:
            break
    return chosen


def title_from(phrases: Sequence[str]) -> str:
    """The best one or two key phrases, capitalised: "Movable types, Gutenberg Bible".

    Phrases of several words come first (a single word YAKE ranks high is often just a
    frequent one: "made", "world").
    """
    ordered = [p for p in phrases if " " in p] + [p for p in phrases if " " not in p]
    title = ""
    for phrase in ordered[:2]:
        candidate = f"{title}, {phrase}" if title else phrase
        if len(candidate) > TITLE_CHARS and title:
            break
        title = candidate[:TITLE_CHARS]
    return title[:1].upper() + title[1:]


def _first_words(text: str, count: int = 6) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _chapter_of(sentence: int, spans: Sequence[segmentation.ChapterSpan]) -> int:
    return next(i for i, span in enumerate(spans) if span.first <= sentence < span.stop)
