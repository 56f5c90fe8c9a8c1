"""Speakers onto segments (split at word timings), requests, renames, talk time, audience."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Segment, Word
from video_transcriber.insights import analyze
from video_transcriber.speakers.assign import (
    SpeakerRequest,
    assign_speakers,
    parse_request,
    rename,
)
from video_transcriber.speakers.turns import SpeakerTurn

TURNS = [SpeakerTurn(0.0, 4.0, 0), SpeakerTurn(4.2, 8.0, 1)]


def _words(*spans: tuple[float, float, str]) -> tuple[Word, ...]:
    return tuple(Word(a, b, text) for a, b, text in spans)


def test_a_segment_spanning_a_change_is_split_at_the_words() -> None:
    segment = Segment(
        0.5,
        6.0,
        "Any questions? Yes, why?",
        words=_words((0.5, 1.0, " Any"), (1.0, 2.0, " questions?"), (4.3, 4.8, " Yes,"),
                     (5.0, 6.0, " why?")),
    )  # fmt: skip
    first, second = assign_speakers([segment], TURNS)
    assert (first.text, first.speaker, first.start, first.end) == (
        "Any questions?", "Speaker 1", 0.5, 2.0
    )  # fmt: skip
    assert (second.text, second.speaker, second.start, second.end) == (
        "Yes, why?", "Speaker 2", 4.3, 6.0
    )  # fmt: skip
    assert [w.text for w in second.words] == [" Yes,", " why?"]


def test_without_words_the_speaker_who_talks_most_in_it_wins_and_gaps_take_the_nearest() -> None:
    [mostly_second] = assign_speakers([Segment(3.0, 7.0, "no words")], TURNS)
    assert mostly_second.speaker == "Speaker 2"
    [in_gap] = assign_speakers([Segment(8.5, 9.0, "late")], TURNS)
    assert in_gap.speaker == "Speaker 2"
    assert assign_speakers([Segment(0, 1, "x")], [])[0].speaker is None


def test_requests_and_renames() -> None:
    assert parse_request("auto") == SpeakerRequest()
    assert parse_request("3") == SpeakerRequest(3)
    assert parse_request(None) is None and parse_request("off") is None
    for bad in ("21", "many", "-1"):
        with pytest.raises(ValueError, match="auto"):
            parse_request(bad)
    segments = [Segment(0, 1, "a", speaker="Speaker 1"), Segment(1, 2, "b", speaker="Speaker 2")]
    renamed, changed = rename(segments, "Speaker 2", "Prof. Ada")
    assert changed == 1 and [s.speaker for s in renamed] == ["Speaker 1", "Prof. Ada"]


def test_talk_time_and_audience_questions() -> None:
    segments = [
        Segment(0, 30, "Today we look at entropy. Is that clear?", speaker="Lecturer"),
        Segment(31, 34, "Could you repeat the definition?", speaker="Student"),
        Segment(35, 60, "Sure, entropy measures disorder.", speaker="Lecturer"),
    ]
    found = analyze(segments, keywords=(), emphasis_phrases=(), duration=60)
    assert [(t.speaker, t.seconds) for t in found.speakers] == [("Lecturer", 55), ("Student", 3)]
    by_text = {q.text: q for q in found.questions}
    assert by_text["Could you repeat the definition?"].audience
    assert by_text["Could you repeat the definition?"].speaker == "Student"
    assert not by_text["Is that clear?"].audience
    plain = analyze(
        [Segment(0, 3, "Could you repeat that?")], keywords=(), emphasis_phrases=(), duration=3
    )
    assert plain.speakers == () and not plain.questions[0].audience
    assert type(found).from_dict(found.to_dict()) == found


def test_study_sheets_show_talk_time_and_audience_questions() -> None:
    from video_transcriber.domain import Transcript
    from video_transcriber.formats import render

    segments = [
        Segment(0, 30, "Today we look at entropy.", speaker="Speaker 1"),
        Segment(31, 34, "Could you repeat the definition?", speaker="Speaker 2"),
        Segment(35, 60, "Sure, entropy measures disorder.", speaker="Speaker 1"),
    ]
    transcript = Transcript(segments, "en", 60.0)
    md = render(transcript, "md")
    assert "**Talk time:** Speaker 1 95%, Speaker 2 5%" in md
    assert "*(audience question: Speaker 2)*" in md
    assert "**Speaker 2:** Could you repeat" in md
    html = render(transcript, "html")
    assert "(audience question: Speaker 2)" in html and "Speaker 1 95% of the talk" in html
    assert 'data-speaker="Speaker 2"' in html
