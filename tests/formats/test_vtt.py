"""WebVTT output: strict validator, the `webvtt-py` parser, escaping and timing."""

from __future__ import annotations

import webvtt

from video_transcriber.domain import Segment, Transcript
from video_transcriber.formats import render

from .conftest import HOSTILE
from .validators import validate_vtt


def test_lecture_vtt_is_valid_and_matches_webvtt_py(lecture: Transcript) -> None:
    text = render(lecture, "vtt")
    cues = validate_vtt(text)
    captions = webvtt.from_string(text).captions
    assert len(captions) == len(cues)
    for caption, (start, end, _) in zip(captions, cues, strict=True):
        assert caption.start == f"{start // 3_600_000:02d}:{start // 60_000 % 60:02d}:" + (
            f"{start // 1000 % 60:02d}.{start % 1000:03d}"
        )
        assert caption.end_in_seconds == end // 1000
    assert "01:40:00.000 --> 01:40:02.500" in text


def test_vtt_escapes_markup_and_round_trips_the_text(hostile: Transcript) -> None:
    text = render(hostile, "vtt")
    cues = validate_vtt(text)
    assert "<script>" not in text and "&lt;script&gt;" in text
    joined = " ".join(cue[2].replace("\n", " ") for cue in cues)
    assert HOSTILE in joined
    assert len(webvtt.from_string(text).captions) == len(cues)


def test_empty_transcript_is_just_the_header(empty: Transcript) -> None:
    assert render(empty, "vtt") == f"WEBVTT\nLanguage: {empty.language}\n"
    assert validate_vtt(render(empty, "vtt")) == []
    assert webvtt.from_string(render(empty, "vtt")).captions == []


def test_rounded_times_and_large_hours() -> None:
    transcript = Transcript(
        [Segment(0.0004, 0.0015, "tiny"), Segment(7200.5, 7201.0, "x")], "en", 0
    )
    cues = validate_vtt(render(transcript, "vtt"))
    assert cues[0][:2] == (0, 2)
    assert cues[1][:2] == (7_200_500, 7_201_000)
