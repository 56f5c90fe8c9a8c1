"""The joined text stream and its character -> time/segment look-ups."""

from __future__ import annotations

import unicodedata

from video_transcriber.domain import Segment, Word
from video_transcriber.insights import TextStream
from video_transcriber.insights.stream import clean_text


def test_joins_non_empty_segments_with_single_spaces() -> None:
    stream = TextStream(
        [Segment(0, 1, "  Hello\n world "), Segment(1, 2, "   "), Segment(2, 3, "again\t!")]
    )
    assert stream.text == "Hello world again !"
    assert [(r.index, r.first, r.last) for r in stream.ranges] == [(0, 0, 11), (2, 12, 19)]
    assert stream.segment_at(12) == 2
    assert stream.segment_ends_between(0, 19) == [11]


def test_times_without_words_are_the_segment_edges() -> None:
    stream = TextStream([Segment(1.0, 4.0, "one two"), Segment(5.0, 9.0, "three four")])
    position = stream.text.index("four")
    assert stream.start_time(position) == 5.0
    assert stream.end_time(position + 3) == 9.0


def test_times_with_words_are_word_precise() -> None:
    words = (Word(5.0, 5.4, " three,"), Word(6.0, 7.5, " four"))
    stream = TextStream([Segment(1.0, 4.0, "one two"), Segment(5.0, 9.0, "three, four", words)])
    four = stream.text.index("four")
    assert stream.start_time(four) == 6.0
    assert stream.end_time(four + 3) == 7.5
    assert stream.end_time(stream.text.index(",")) == 5.4  # punctuation inside the word


def test_unlocatable_words_fall_back_to_the_segment() -> None:
    words = (Word(5.5, 6.0, " nonsense"),)
    stream = TextStream([Segment(5.0, 9.0, "real text", words)])
    assert stream.start_time(0) == 5.0 and stream.end_time(8) == 9.0


def test_text_is_nfc_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "café")
    assert TextStream([Segment(0, 1, decomposed)]).text == "café"
    assert clean_text(" a\u00a0b ") == "a b"
