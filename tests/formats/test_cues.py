"""Cue wrapping and timing rules shared by SRT and WebVTT."""

from __future__ import annotations

import itertools

from video_transcriber.domain import Segment
from video_transcriber.formats.cues import MIN_CUE_MS, build_cues, wrap_tokens

from .conftest import words_for

LONG = " ".join(["lorem"] * 60)  # 359 characters


def test_wrap_tokens_keeps_lines_within_width() -> None:
    tokens = LONG.split()
    for first, last in wrap_tokens(tokens, 42):
        assert len(" ".join(tokens[first:last])) <= 42


def test_wrap_tokens_gives_an_overlong_word_its_own_line() -> None:
    assert wrap_tokens(["a", "x" * 50, "b"], 42) == [(0, 1), (1, 2), (2, 3)]


def test_long_segment_becomes_contiguous_two_line_cues_covering_it() -> None:
    cues = build_cues([Segment(10.0, 40.0, LONG)])
    assert len(cues) > 1
    assert all(1 <= len(cue.lines) <= 2 for cue in cues)
    assert all(len(line) <= 42 for cue in cues for line in cue.lines)
    assert cues[0].start_ms == 10_000 and cues[-1].end_ms == 40_000
    for before, after in itertools.pairwise(cues):
        assert before.end_ms == after.start_ms
    assert " ".join(line for cue in cues for line in cue.lines) == LONG


def test_cut_times_come_from_words_when_they_line_up() -> None:
    text = " ".join(f"w{i:02d}" for i in range(40))  # 159 characters, 4 lines of 10 words
    words = words_for(text, 0.0, 40.0)  # word i starts at i seconds
    cues = build_cues([Segment(0.0, 40.0, text, words=words)])
    assert [cue.start_ms for cue in cues] == [0, 20_000]


def test_zero_length_and_overlapping_segments_are_repaired() -> None:
    cues = build_cues(
        [
            Segment(5.0, 5.0, "instant"),
            Segment(5.2, 9.0, "overlaps the next"),
            Segment(8.0, 7.0, "ends before it starts"),
        ]
    )
    assert cues[0].start_ms == 5000 and cues[0].end_ms == 5200  # capped at the next start
    assert cues[1].end_ms == 8000
    assert cues[2].end_ms == 8000 + MIN_CUE_MS
    assert all(cue.end_ms > cue.start_ms for cue in cues)


def test_blank_segments_give_no_cues() -> None:
    assert build_cues([Segment(0, 1, "  "), Segment(1, 2, "\n")]) == []
