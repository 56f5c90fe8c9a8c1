"""Packing the stretches to decode again into shared windows, and sharing their words back out."""

from __future__ import annotations

import numpy as np
import pytest

from video_transcriber.domain import SAMPLE_RATE, Segment, SpeechSpan, Word
from video_transcriber.engine.packing import (
    PackOptions,
    pack,
    piece_at,
    to_retry,
    unpack,
    word_count,
)

OPTIONS = PackOptions(max_seconds=10.0, gap=1.0)


def regions(*pairs: tuple[float, float]) -> list[SpeechSpan]:
    return [SpeechSpan(a, b) for a, b in pairs]


def word(start: float, end: float, text: str) -> Word:
    return Word(start, end, " " + text)


def test_ranges_are_laid_end_to_end_with_a_gap_of_silence() -> None:
    ranges = [(10.0, 12.0), (40.0, 43.0), (70.0, 71.5)]
    (window,) = pack(ranges, regions((10.2, 12.0), (40.2, 43.0), (70.2, 71.5)), OPTIONS)
    assert [(p.source_start, p.source_end, p.offset) for p in window.pieces] == [
        (10.0, 12.0, 0.0),
        (40.0, 43.0, 3.0),
        (70.0, 71.5, 7.0),
    ]
    assert window.duration == pytest.approx(8.5)
    assert window.spans == tuple(regions((10.2, 12.0), (40.2, 43.0), (70.2, 71.5)))


def test_a_range_that_does_not_fit_starts_a_new_window() -> None:
    ranges = [(0.0, 4.0), (10.0, 14.0), (20.0, 23.0), (30.0, 39.0)]
    windows = pack(ranges, regions(*ranges), OPTIONS)
    assert [len(w.pieces) for w in windows] == [2, 1, 1]
    assert all(w.duration <= OPTIONS.max_seconds for w in windows)
    assert [p.source_start for w in windows for p in w.pieces] == [0.0, 10.0, 20.0, 30.0]
    assert [w.pieces[0].offset for w in windows] == [0.0, 0.0, 0.0]
    assert pack([], [], OPTIONS) == []


def test_window_audio_puts_silence_between_packed_pieces() -> None:
    samples = np.ones(60 * SAMPLE_RATE, dtype=np.float32) * 0.05
    (window,) = pack([(5.0, 7.0), (20.0, 21.0)], regions((5, 7), (20, 21)), OPTIONS)
    audio = window.audio(samples, 0.0)
    assert len(audio) == pytest.approx(4.0 * SAMPLE_RATE, abs=2)
    gap = audio[round(2.05 * SAMPLE_RATE) : round(2.95 * SAMPLE_RATE)]
    assert not gap.any()
    assert audio[: 2 * SAMPLE_RATE].all() and audio[-SAMPLE_RATE + 10 :].all()


def test_piece_at_finds_the_holding_or_nearest_piece() -> None:
    (window,) = pack([(10.0, 12.0), (40.0, 43.0)], regions((10, 12), (40, 43)), OPTIONS)
    assert piece_at(window, 1.0) == 0
    assert piece_at(window, 2.3) == 0  # in the gap, nearer the first piece
    assert piece_at(window, 2.8) == 1  # in the gap, nearer the second
    assert piece_at(window, 4.0) == 1
    assert piece_at(window, 9.0) == 1  # past the end


def test_unpack_splits_a_segment_running_over_two_pieces_by_its_words() -> None:
    (window,) = pack([(10.0, 12.0), (40.0, 43.0)], regions((10, 12), (40, 43)), OPTIONS)
    words = (word(0.1, 0.5, "ask"), word(0.6, 1.2, "not."), word(3.2, 3.6, "What"))
    segment = Segment(0.0, 4.0, "ask not. What", words, avg_logprob=-0.2)
    first, second = unpack(window, [segment])
    (a,) = first
    (b,) = second
    assert (a.text, a.start, a.end) == ("ask not.", pytest.approx(10.1), pytest.approx(11.2))
    assert [w.start for w in a.words] == [pytest.approx(10.1), pytest.approx(10.6)]
    assert (b.text, b.start, b.end) == ("What", pytest.approx(40.2), pytest.approx(40.6))
    assert b.avg_logprob == -0.2


def test_unpack_keeps_whole_segments_and_clamps_into_their_piece() -> None:
    (window,) = pack([(10.0, 12.0), (40.0, 43.0)], regions((10, 12), (40, 43)), OPTIONS)
    inside = Segment(0.0, 2.6, "one two", (word(0.0, 0.5, "one"), word(0.9, 2.6, "two")))
    bare = Segment(3.0, 5.0, "three four")  # no words: placed by its middle
    first, second = unpack(window, [inside, bare])
    assert [(s.text, s.start, s.end) for s in first] == [("one two", 10.0, 12.0)]
    assert first[0].words[-1].end == 12.0  # timed into the silence: clamped to the piece
    assert [(s.text, s.start, s.end) for s in second] == [("three four", 40.0, 42.0)]


def test_unpack_gives_an_empty_list_to_a_piece_the_decoder_skipped() -> None:
    (window,) = pack([(10.0, 12.0), (40.0, 43.0)], regions((10, 12), (40, 43)), OPTIONS)
    segment = Segment(0.0, 2.0, "hello there", (word(0.0, 1.0, "hello"), word(1.0, 2.0, "there")))
    assert [len(part) for part in unpack(window, [segment])] == [1, 0]


def test_to_retry_names_starved_stretches_that_shared_a_window() -> None:
    shared, alone = pack(
        [(0.0, 2.0), (10.0, 13.0), (20.0, 29.0)], regions((0, 2), (10, 13), (20, 29)), OPTIONS
    )
    found = [
        [Segment(0.0, 2.0, "five whole words right here")],
        [],  # skipped while sharing a window: worth a second try
        [],  # alone and still empty: a second try would hear the same
    ]
    assert to_retry([shared, alone], found, min_words_per_second=0.7) == [1]
    assert word_count(found[0]) == 5
