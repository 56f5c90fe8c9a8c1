"""Tidying segments: inside the chunk, in order, non-overlapping, no repeated lines."""

from __future__ import annotations

import itertools

import pytest

from video_transcriber.domain import Segment, Word
from video_transcriber.engine.cleanup import tidy


def test_segments_are_clamped_and_made_monotonic_in_text_order() -> None:
    segments = [
        Segment(8.0, 11.0, "first"),
        Segment(10.5, 12.5, "second starts inside the first"),
        Segment(7.0, 15.0, "third starts before the second"),
        Segment(19.0, 23.0, "past the end"),
    ]
    got = tidy(segments, 9.0, 20.0)
    assert [s.text for s in got] == [s.text for s in segments]
    assert got[0].start == 9.0
    assert got[0].end == 10.5
    assert got[2].start == 12.5
    assert got[-1].end == 20.0
    for before, after in itertools.pairwise(got):
        assert before.start <= before.end <= after.start <= after.end


def test_empty_text_and_repeated_lines_are_dropped() -> None:
    segments = [
        Segment(0, 1, "Thank you for watching."),
        Segment(1, 2, "thank you for watching."),
        Segment(2, 3, "  "),
        Segment(3, 4, "Yes."),
        Segment(4.6, 5, "Yes."),
    ]
    assert [s.text for s in tidy(segments, 0, 5)] == ["Thank you for watching.", "Yes.", "Yes."]


def test_words_are_clamped_into_their_segment() -> None:
    words = (Word(0.5, 1.5, " hi"), Word(1.2, 9.0, " there"))
    (got,) = tidy([Segment(1.0, 3.0, "hi there", words=words)], 0.0, 2.5)
    assert got.words[0].start == pytest.approx(1.0)
    assert got.words[1].start >= got.words[0].end
    assert got.words[1].end == pytest.approx(2.5)


def test_one_word_fragments_join_the_segment_before() -> None:
    from video_transcriber.engine.cleanup import merge_fragments

    merged = merge_fragments(
        [
            Segment(0.8, 6.0, "printing, in the only sense we are concerned with, differs from"),
            Segment(6.0, 6.3, "most"),
            Segment(6.3, 12.1, "if not from all the arts and crafts in the exhibition."),
            Segment(20.0, 20.4, "can"),
        ]
    )
    assert [s.text.split()[-1] for s in merged] == ["most", "exhibition.", "can"]
    assert merged[0].end == 6.3 and merged[1].start == 6.3
    assert merged[2].start == 20.0  # too far from the one before: left alone
