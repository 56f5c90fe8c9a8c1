"""Emphasis cues from the configured phrase list (the default one from Settings)."""

from __future__ import annotations

from video_transcriber.config import Settings
from video_transcriber.domain import Segment
from video_transcriber.insights import EmphasisCue, analyze

DEFAULTS = Settings().emphasis_phrases


def _cues(segments: list[Segment], phrases: list[str] = DEFAULTS) -> tuple[EmphasisCue, ...]:
    return analyze(segments, keywords=(), emphasis_phrases=phrases, duration=60).emphasis


def test_default_phrases_find_lecture_cues() -> None:
    segments = [
        Segment(0.0, 4.0, "This will be on the exam. Make sure you practise."),
        Segment(4.0, 8.0, "Don\u2019t forget the lab report. I remembered nothing."),
        Segment(8.0, 12.0, "Note that the sign flips. Keep in mind the units!"),
        Segment(12.0, 14.0, "A NOTE: that is all. It is on the quiz."),
    ]
    cues = _cues(segments)
    assert [(c.phrase, c.text) for c in cues] == [
        ("on the exam", "This will be on the exam."),
        ("make sure", "Make sure you practise."),
        ("don't forget", "Don\u2019t forget the lab report."),
        ("note that", "Note that the sign flips."),
        ("keep in mind", "Keep in mind the units!"),
        ("note that", "A NOTE: that is all."),
        ("on the quiz", "It is on the quiz."),
    ]
    assert [c.start for c in cues] == [0.0, 0.0, 4.0, 8.0, 8.0, 12.0, 12.0]


def test_phrase_split_across_segments_is_one_cue_at_the_sentence_start() -> None:
    segments = [Segment(20.0, 22.0, "And remember, this will be on the"), Segment(22, 23, "EXAM.")]
    cues = _cues(segments)
    assert len(cues) == 1
    assert cues[0].phrase == "remember"  # the first phrase in the sentence names the cue
    assert cues[0].text == "And remember, this will be on the EXAM."
    assert (cues[0].start, cues[0].end) == (20.0, 23.0)


def test_custom_phrases_whole_words_only() -> None:
    segments = [Segment(0, 1, "Crucially, this is crucial. Not crucialness.")]
    cues = _cues(segments, ["crucial", "", "CRUCIAL"])
    assert [c.text for c in cues] == ["Crucially, this is crucial."]


def test_no_phrases_no_cues() -> None:
    assert _cues([Segment(0, 1, "Remember this.")], []) == ()


def test_cue_is_timed_where_the_phrase_is_said_not_where_its_sentence_began() -> None:
    segments = [
        Segment(10.0, 14.0, "and so we keep going through the derivation step by step"),
        Segment(30.0, 34.0, "and make sure you know this result"),
    ]
    [cue] = _cues(segments)
    assert cue.phrase == "make sure"
    assert cue.start == 30.0 and cue.end == 34.0
    assert cue.text.startswith("and so we keep going")
