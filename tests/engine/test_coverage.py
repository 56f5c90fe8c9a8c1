"""The coverage check (pure): finding speech without text, and splicing a re-decode back in."""

from __future__ import annotations

from video_transcriber.domain import Segment, SpeechSpan, Word
from video_transcriber.engine.coverage import (
    CoverageOptions,
    missing_speech,
    splice,
    uncovered,
    words_per_span,
)

OPTIONS = CoverageOptions(min_hole_seconds=1.0, min_span_seconds=0.8, min_words_per_second=0.7)


def seg(start: float, end: float, text: str) -> Segment:
    return Segment(start, end, text)


SPANS = [SpeechSpan(0.0, 5.0), SpeechSpan(6.0, 10.0), SpeechSpan(11.0, 16.0)]


def test_fully_covered_speech_is_not_missing() -> None:
    segments = [
        seg(0.0, 5.0, "one two three four five six seven eight"),
        seg(6.0, 10.0, "nine ten eleven twelve thirteen fourteen"),
        seg(11.0, 16.0, "fifteen sixteen seventeen eighteen nineteen twenty"),
    ]
    assert missing_speech(SPANS, segments, OPTIONS) == []


def test_a_skipped_span_is_missing() -> None:
    segments = [
        seg(0.0, 5.0, "one two three four five six seven eight"),
        seg(11.0, 16.0, "fifteen sixteen seventeen eighteen nineteen twenty"),
    ]
    assert missing_speech(SPANS, segments, OPTIONS) == [SPANS[1]]


def test_the_tail_of_a_span_after_an_early_stop_is_missing() -> None:
    segments = [
        seg(0.0, 5.0, "one two three four five six seven eight"),
        seg(6.0, 10.0, "nine ten eleven twelve thirteen fourteen"),
        seg(11.0, 13.0, "fifteen sixteen seventeen eighteen"),
    ]
    assert missing_speech(SPANS, segments, OPTIONS) == [SpeechSpan(13.0, 16.0)]


def test_short_holes_are_timestamp_jitter() -> None:
    segments = [seg(0.4, 4.5, "one two three four five six seven eight")]
    assert missing_speech(SPANS[:1], segments, OPTIONS) == []
    assert uncovered(SPANS[0], segments) == [SpeechSpan(0.0, 0.4), SpeechSpan(4.5, 5.0)]


def test_a_span_with_far_too_few_words_is_missing() -> None:
    # one long segment claims all three spans but holds only a few words
    segments = [seg(0.0, 16.0, "one two three four five")]
    assert missing_speech(SPANS, segments, OPTIONS) == SPANS


def test_words_are_counted_by_word_timestamps_when_present() -> None:
    words = tuple(Word(0.5 + i * 0.5, 0.9 + i * 0.5, f"w{i}") for i in range(8))
    segments = [Segment(0.0, 16.0, " ".join(w.text for w in words), words=words)]
    counts = words_per_span(SPANS, segments)
    assert counts == [8.0, 0.0, 0.0]
    assert missing_speech(SPANS, segments, OPTIONS) == SPANS[1:]


def test_segment_words_are_shared_by_overlap() -> None:
    counts = words_per_span(SPANS[:2], [seg(4.0, 7.0, "a b c d")])
    assert counts == [2.0, 2.0]


def test_splice_replaces_segments_inside_the_region() -> None:
    segments = [seg(0.0, 5.0, "alpha beta"), seg(6.2, 9.5, "wrong"), seg(11.0, 16.0, "omega")]
    got = splice(segments, SPANS[1], [seg(6.0, 10.0, "gamma delta epsilon")])
    assert [s.text for s in got] == ["alpha beta", "gamma delta epsilon", "omega"]


def test_splice_drops_words_repeated_across_the_seams() -> None:
    segments = [seg(0.0, 13.0, "he could wait no"), seg(16.0, 18.0, "For a full hour")]
    replacement = [seg(12.8, 16.1, "wait, no longer. For a")]
    got = splice(segments, SpeechSpan(13.0, 16.0), replacement)
    assert [s.text for s in got] == ["he could wait no", "longer.", "For a full hour"]


def test_splice_keeps_segments_when_nothing_new_comes_back() -> None:
    segments = [seg(0.0, 5.0, "alpha")]
    assert splice(segments, SPANS[1], [seg(6.0, 7.0, "  ")]) == segments


def words_at(*items: tuple[float, str]) -> tuple[Word, ...]:
    return tuple(Word(t, t + 0.3, f" {text}") for t, text in items)


def test_a_segment_stretched_over_skipped_speech_is_cut_around_it() -> None:
    # the decoder said "Printer" early, skipped 132-143 and aligned the rest after it
    words = words_at((131.6, "Printer"), (145.2, "in"), (145.7, "the"), (146.0, "only"))
    stretched = Segment(131.5, 146.3, "Printer in the only", words=words)
    region = SpeechSpan(132.3, 142.8)
    found = [Segment(132.4, 142.5, "The cabbage juice.", words=words_at((132.4, "The")))]
    got = splice([stretched], region, found)
    assert [s.text for s in got] == ["Printer", "The cabbage juice.", "in the only"]
    assert got[2].start == 145.2


def test_word_timings_find_skipped_speech_inside_a_long_segment() -> None:
    words = words_at((0.2, "a"), (0.6, "b"), (1.0, "c"), (11.2, "d"), (11.6, "e"), (12.0, "f"))
    segment = Segment(0.0, 16.0, "a b c d e f", words=words)
    assert uncovered(SPANS[1], [segment]) == [SPANS[1]]
    assert SPANS[1] in missing_speech(SPANS, [segment], OPTIONS)
