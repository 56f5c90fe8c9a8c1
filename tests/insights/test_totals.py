"""Totals: words, speech time (overlaps once), share and pace."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Segment
from video_transcriber.insights import analyze
from video_transcriber.insights.totals import compute_totals, speech_seconds


def test_totals_over_speech_time() -> None:
    segments = [Segment(0.0, 30.0, "one two three " * 25), Segment(60.0, 90.0, "four " * 75)]
    totals = analyze(segments, keywords=(), emphasis_phrases=(), duration=120.0).totals
    assert totals.words == 150
    assert totals.speech_seconds == 60.0
    assert totals.speech_share == 0.5
    assert totals.words_per_minute == 150.0
    assert totals.duration == 120.0


def test_overlapping_and_inverted_segments_count_once() -> None:
    segments = [
        Segment(0, 10, "a"),
        Segment(5, 12, "b"),
        Segment(11, 11.5, "c"),
        Segment(9, 3, "d"),
    ]
    assert speech_seconds(segments) == 12.0


def test_zero_duration_and_no_speech() -> None:
    totals = compute_totals([], duration=0.0)
    assert (totals.words, totals.speech_share, totals.words_per_minute) == (0, 0.0, 0.0)
    over = compute_totals([Segment(0, 20, "x")], duration=10.0)
    assert over.speech_share == 1.0
    assert over.words_per_minute == pytest.approx(3.0)
