"""SRT output against the SubRip rules, checked by a strict validator and by the `srt` package."""

from __future__ import annotations

from datetime import timedelta

import srt as srt_lib

from video_transcriber.domain import Segment, Transcript
from video_transcriber.formats import render

from .validators import validate_srt


def test_lecture_srt_is_valid_and_matches_the_srt_library(lecture: Transcript) -> None:
    text = render(lecture, "srt")
    cues = validate_srt(text)
    parsed = list(srt_lib.parse(text))
    assert len(parsed) == len(cues)
    for subtitle, (start, end, lines) in zip(parsed, cues, strict=True):
        assert subtitle.start == timedelta(milliseconds=start)
        assert subtitle.end == timedelta(milliseconds=end)
        assert subtitle.content == "\n".join(lines)
    assert text.startswith("1\n00:00:00,000 --> 00:00:03,500\nWelcome back, everyone.\n\n2\n")


def test_timestamps_round_trip_and_hours_past_99_minutes(lecture: Transcript) -> None:
    cues = validate_srt(render(lecture, "srt"))
    assert cues[-1][:2] == (6_000_000, 6_002_500)
    assert "01:40:00,000 --> 01:40:02,500" in render(lecture, "srt")
    odd = Transcript(
        [Segment(1.0005, 2.0004, "rounded"), Segment(363600.25, 363601.0, "late")], "en", 0
    )
    text = render(odd, "srt")
    assert "00:00:01,001 --> 00:00:02,000" in text
    assert "101:00:00,250 --> 101:00:01,000" in text
    parsed = list(srt_lib.parse(text))
    assert parsed[1].start == timedelta(hours=101, milliseconds=250)


def test_long_segment_is_wrapped_into_valid_cues(lecture: Transcript) -> None:
    cues = validate_srt(render(lecture, "srt"))
    long_cues = [c for c in cues if 3500 <= c[0] < 12250]
    assert len(long_cues) >= 2
    assert long_cues[0][0] == 3500 and long_cues[-1][1] == 12250
    assert all(len(c[2]) <= 2 for c in long_cues)


def test_empty_transcript_and_blank_segments_give_no_cues(empty: Transcript) -> None:
    assert render(empty, "srt") == ""
    blank = Transcript([Segment(0, 1, " "), Segment(1, 2, "")], "en", 2.0)
    assert render(blank, "srt") == ""
    assert list(srt_lib.parse(render(empty, "srt"))) == []


def test_hostile_text_cannot_break_the_cue_structure(hostile: Transcript) -> None:
    text = render(hostile, "srt")
    cues = validate_srt(text)
    assert len(list(srt_lib.parse(text))) == len(cues)
    assert "->" in text  # the arrow inside the text is defused
    assert all("\t" not in line for cue in cues for line in cue[2])
