"""Keyword and phrase matching: whole words, any case, tolerant separators, timestamps."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Segment, Word
from video_transcriber.insights import KeywordSummary, analyze, phrase_pattern
from video_transcriber.insights.keywords import unique_phrases


def _summaries(segments: list[Segment], *keywords: str) -> tuple[KeywordSummary, ...]:
    return analyze(segments, keywords=keywords, emphasis_phrases=(), duration=10).keywords


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("The Exam, the EXAM and the exam.", 3),
        ("We examine examples of exams and re-examination.", 0),
        ("exam's date; (exam) 'exam' exam-prep", 4),
        ("pre_exam exam2 2exam", 0),
    ],
)
def test_whole_word_case_insensitive(text: str, hits: int) -> None:
    pattern = phrase_pattern("exam")
    assert pattern is not None
    assert len(pattern.findall(text)) == hits


def test_phrase_tolerates_punctuation_line_breaks_and_segment_boundaries() -> None:
    segments = [
        Segment(0.0, 2.0, "Machine, learning is fun. Machine\nlearning"),
        Segment(2.0, 4.0, "is hard. We use machine"),
        Segment(4.0, 6.0, "— learning! Not machines learning."),
    ]
    (summary,) = _summaries(segments, "machine learning")
    assert summary.count == 3
    assert [m.start for m in summary.mentions] == [0.0, 0.0, 2.0]
    assert [m.end for m in summary.mentions] == [2.0, 2.0, 6.0]
    assert [m.segment_index for m in summary.mentions] == [0, 0, 1]
    assert summary.mentions[2].sentence == "We use machine — learning!"
    assert summary.mentions[1].sentence == "Machine learning is hard."


def test_mentions_use_word_timestamps_when_present() -> None:
    words = (Word(3.0, 3.2, " the"), Word(3.3, 3.9, " Exam."), Word(4.2, 4.5, " Then"))
    (summary,) = _summaries([Segment(3.0, 5.0, "the Exam. Then", words)], "exam")
    mention = summary.mentions[0]
    assert (mention.start, mention.end, mention.sentence) == (3.3, 3.9, "the Exam.")


def test_unicode_keywords() -> None:
    segments = [
        Segment(0, 1, "Le café est fermé. CAFÉ! Cafés?"),
        Segment(1, 2, "Die STRASSE und die Straße."),
        Segment(2, 3, "明天的考试很重要。"),
    ]
    cafe, strasse, exam, bare = _summaries(segments, "café", "straße", "考试", "cafe")
    assert cafe.count == 2 and bare.count == 2  # accents folded: "cafe" finds "CAFÉ"
    assert strasse.count == 2  # full case folding: ß is SS
    assert exam.count == 1 and exam.mentions[0].start == 2


def test_apostrophes_match_both_styles() -> None:
    (summary,) = _summaries([Segment(0, 1, "Don't panic. Don\u2019t PANIC.")], "don't panic")
    assert summary.count == 2


def test_keywords_deduplicated_blank_ignored_and_unmentioned_kept() -> None:
    summaries = _summaries([Segment(0, 1, "alpha beta")], "Alpha", "alpha", "  ", "!!", "gamma")
    assert [(s.keyword, s.count) for s in summaries] == [("Alpha", 1), ("gamma", 0)]
    assert unique_phrases(["  a   b ", "A B", ""]) == ["a b"]


def test_regex_characters_in_keywords_are_literal() -> None:
    (summary,) = _summaries([Segment(0, 1, "C++ and C# and c.")], "c++")
    assert summary.count == 3  # "c++" has one word, "c"; the symbols are separators
    (dotted,) = _summaries([Segment(0, 1, "a.b axb")], "a.b")
    assert dotted.count == 1
