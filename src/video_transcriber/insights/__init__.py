"""Study insights from a transcript: keywords, questions, emphasis cues, totals.

`analyze` is the entry point; everything is pure (segments in, frozen dataclasses out). Sentences
are found across segment boundaries first (`sentences`), then each finder works on them.
"""

from __future__ import annotations

from collections.abc import Sequence

from video_transcriber.domain import Segment
from video_transcriber.insights.emphasis import find_emphasis
from video_transcriber.insights.keywords import phrase_pattern, summarize_keywords
from video_transcriber.insights.model import (
    EmphasisCue,
    Insights,
    KeywordMention,
    KeywordSummary,
    Question,
    SpeakerTime,
    Totals,
)
from video_transcriber.insights.questions import find_questions
from video_transcriber.insights.sentences import DEFAULT_MAX_WORDS, Sentence, split_sentences
from video_transcriber.insights.speakers import flag_audience, talk_times
from video_transcriber.insights.stream import TextStream
from video_transcriber.insights.totals import compute_totals

__all__ = [
    "EmphasisCue",
    "Insights",
    "KeywordMention",
    "KeywordSummary",
    "Question",
    "Sentence",
    "SpeakerTime",
    "TextStream",
    "Totals",
    "analyze",
    "phrase_pattern",
]


def analyze(
    segments: Sequence[Segment],
    *,
    keywords: Sequence[str],
    emphasis_phrases: Sequence[str],
    duration: float,
    infer_questions: bool = True,
    max_sentence_words: int = DEFAULT_MAX_WORDS,
) -> Insights:
    """Keywords (with every mention), questions, emphasis cues and totals for `segments`.

    `infer_questions` also counts sentences with question word order whose "?" Whisper dropped.
    """
    stream = TextStream(segments)
    sentences = split_sentences(stream, max_words=max_sentence_words)
    questions = find_questions(sentences, infer_missing_marks=infer_questions)
    times = talk_times(segments)
    return Insights(
        keywords=summarize_keywords(stream, sentences, keywords),
        questions=flag_audience(questions, segments, times),
        emphasis=find_emphasis(sentences, emphasis_phrases, stream),
        totals=compute_totals(segments, duration=duration),
        speakers=times,
    )
