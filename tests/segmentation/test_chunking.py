"""plan_chunks: cut in silence near the target, never inside speech unless forced."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from video_transcriber.domain import Chunk, SpeechSpan
from video_transcriber.segmentation.chunking import TARGET_WINDOW_FRACTION, plan_chunks


def spans_from(pairs: list[tuple[float, float]]) -> list[SpeechSpan]:
    return [SpeechSpan(start, end) for start, end in pairs]


def test_no_speech_means_no_chunks() -> None:
    assert plan_chunks([], duration=100.0, target_seconds=30, max_seconds=60) == []


def test_short_speech_is_one_chunk_bounded_by_its_spans() -> None:
    spans = spans_from([(2.0, 5.0), (6.0, 9.0)])
    (chunk,) = plan_chunks(spans, duration=20.0, target_seconds=30, max_seconds=60)
    assert (chunk.index, chunk.start, chunk.end) == (0, 2.0, 9.0)
    assert chunk.speech == tuple(spans)
    assert chunk.speech_seconds == pytest.approx(6.0)


def test_cuts_at_the_longest_gap_within_the_window() -> None:
    # target 100 s, window 75..125 s; gaps after 80 s (0.5 s), 100 s (0.2 s), 110 s (3 s).
    spans = spans_from([(0, 80), (80.5, 100), (100.2, 110), (113, 200)])
    chunks = plan_chunks(spans, duration=200, target_seconds=100, max_seconds=300)
    assert chunks[0].end == 110
    assert chunks[1].start == 113


def test_without_a_gap_in_the_window_cuts_nearest_the_target() -> None:
    spans = spans_from([(0, 40), (41, 170), (171, 180)])
    chunks = plan_chunks(spans, duration=180, target_seconds=100, max_seconds=300)
    assert chunks[0].end == 40  # 40 s is nearer to 100 than 170 s
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_never_exceeds_max_even_if_the_nearest_gap_does() -> None:
    spans = spans_from([(0, 20), (21, 130)])  # 130 s is nearer 100 than 20 s, but > max
    chunks = plan_chunks(spans, duration=150, target_seconds=100, max_seconds=120)
    assert [(c.start, c.end) for c in chunks] == [(0, 20), (21, 130)]
    assert all(c.end - c.start <= 120 for c in chunks)


def test_a_span_longer_than_max_is_split_into_equal_pieces() -> None:
    spans = spans_from([(10, 20), (30, 280)])  # 250 s of unbroken speech
    chunks = plan_chunks(spans, duration=300, target_seconds=50, max_seconds=100)
    assert chunks[0].speech == (SpeechSpan(10, 20),)
    pieces = [c for c in chunks if c.start >= 30]
    assert len(pieces) == 3
    for piece in pieces:
        assert piece.end - piece.start == pytest.approx(250 / 3)
    assert pieces[0].start == 30 and pieces[-1].end == 280
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(pieces))


def test_target_above_max_is_treated_as_max() -> None:
    spans = spans_from([(i * 10.0, i * 10.0 + 9) for i in range(30)])
    chunks = plan_chunks(spans, duration=300, target_seconds=1000, max_seconds=100)
    assert all(c.end - c.start <= 100 for c in chunks)


def test_spans_are_clipped_sorted_and_merged() -> None:
    spans = spans_from([(50, 60), (-1, 5), (4, 8), (95, 120)])
    chunks = plan_chunks(spans, duration=100, target_seconds=500, max_seconds=600)
    assert chunks[0].speech == (SpeechSpan(0, 8), SpeechSpan(50, 60), SpeechSpan(95, 100))


def test_rejects_non_positive_lengths() -> None:
    with pytest.raises(ValueError):
        plan_chunks([SpeechSpan(0, 1)], duration=1, target_seconds=0, max_seconds=10)


def test_lecture_like_spans_give_even_chunks() -> None:
    spans, t = [], 0.0
    for i in range(2000):  # ~3 hours of 4-6 s utterances with 0.4-1.8 s pauses
        length, pause = 4 + (i * 7 % 20) / 10, 0.4 + (i * 13 % 15) / 10
        spans.append(SpeechSpan(t, t + length))
        t += length + pause
    chunks = plan_chunks(spans, duration=t, target_seconds=300, max_seconds=600)
    lengths = [c.end - c.start for c in chunks]
    low, high = 300 * (1 - TARGET_WINDOW_FRACTION), 300 * (1 + TARGET_WINDOW_FRACTION)
    assert all(low <= length <= high for length in lengths[:-2])
    assert all(length <= high / 2 + 10 for length in lengths[-2:]), "the tail is cut in two"
    check_invariants(spans, chunks, duration=t, max_seconds=600)


def test_a_long_last_chunk_is_cut_in_two_near_its_middle() -> None:
    spans = [SpeechSpan(10.0 * k, 10.0 * k + 9.0) for k in range(20)]  # 199 s of speech
    chunks = plan_chunks(spans, duration=200.0, target_seconds=100.0, max_seconds=150.0)
    lengths = [round(c.end - c.start) for c in chunks]
    assert lengths == [99, 49, 49]


# --- properties ---------------------------------------------------------------------------------


def check_invariants(
    spans: list[SpeechSpan], chunks: list[Chunk], *, duration: float, max_seconds: float
) -> None:
    clipped = _union(
        [(max(0.0, s.start), min(duration, s.end)) for s in spans if min(duration, s.end) > s.start]
    )
    total = sum(end - start for start, end in clipped)
    assert sum(c.speech_seconds for c in chunks) == pytest.approx(total, abs=1e-6)
    for index, chunk in enumerate(chunks):
        assert chunk.index == index
        assert chunk.speech, "a chunk without speech"
        assert chunk.start == chunk.speech[0].start and chunk.end == chunk.speech[-1].end
        for left, right in itertools.pairwise(chunk.speech):
            assert left.end <= right.start
        assert chunk.end - chunk.start <= max_seconds + 1e-6  # forced pieces fit too
    for before, after in itertools.pairwise(chunks):
        assert before.end <= after.start  # ordered and disjoint
        cut_inside_speech = any(s < before.end < e and s < after.start < e for s, e in clipped)
        if cut_inside_speech:  # only allowed where one span is longer than max_seconds
            assert any(e - s > max_seconds for s, e in clipped if s < before.end < e), (
                "cut inside a span that fits in a chunk"
            )
    # every speech moment lies in exactly one chunk
    for start, end in clipped:
        for moment in (start, (start + end) / 2, end - 1e-6):
            holders = [c for c in chunks if any(s.start <= moment < s.end for s in c.speech)]
            assert len(holders) == 1


def _union(pairs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping intervals merged (touching ones kept apart, as the planner does)."""
    merged: list[list[float]] = []
    for start, end in sorted(pairs):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


span_lists = st.lists(
    st.tuples(st.floats(0.0, 2000.0), st.floats(0.05, 400.0)), min_size=0, max_size=60
)


@settings(max_examples=300, deadline=None)
@given(
    raw=span_lists,
    target=st.floats(5.0, 700.0),
    max_seconds=st.floats(10.0, 700.0),
    duration=st.floats(1.0, 2500.0),
)
def test_invariants_hold_for_random_spans(
    raw: list[tuple[float, float]], target: float, max_seconds: float, duration: float
) -> None:
    spans = [SpeechSpan(start, start + length) for start, length in raw]
    chunks = plan_chunks(spans, duration=duration, target_seconds=target, max_seconds=max_seconds)
    check_invariants(spans, chunks, duration=duration, max_seconds=max_seconds)


@settings(max_examples=150, deadline=None)
@given(
    gaps=st.lists(st.tuples(st.floats(0.5, 30.0), st.floats(0.0, 5.0)), min_size=1, max_size=120),
    target=st.floats(20.0, 300.0),
)
def test_disjoint_spans_are_never_cut_when_they_fit(
    gaps: list[tuple[float, float]], target: float
) -> None:
    spans, t = [], 0.0
    for length, pause in gaps:
        spans.append(SpeechSpan(t, t + length))
        t += length + pause
    chunks = plan_chunks(spans, duration=t, target_seconds=target, max_seconds=2 * target)
    assert [s for c in chunks for s in c.speech] == spans  # every span intact, in order
    assert all(c.end - c.start <= 2 * target + 1e-9 for c in chunks)


def test_faint_spans_are_planned_like_speech_and_listed_apart() -> None:
    speech = [SpeechSpan(0.0, 10.0), SpeechSpan(30.0, 40.0)]
    faint = [SpeechSpan(12.0, 14.0), SpeechSpan(50.0, 52.0)]
    chunks = plan_chunks(speech, faint=faint, duration=60.0, target_seconds=30.0, max_seconds=45.0)
    assert [s for c in chunks for s in c.speech] == speech
    assert [s for c in chunks for s in c.faint] == faint
    assert chunks[-1].end == 52.0, "a trailing faint span belongs to the last chunk"
    assert all(c.start <= s.start and s.end <= c.end for c in chunks for s in c.faint)


def test_a_chunk_of_faint_spans_alone_still_has_audio_to_decode() -> None:
    chunks = plan_chunks(
        [], faint=[SpeechSpan(3.0, 9.0)], duration=10.0, target_seconds=30.0, max_seconds=45.0
    )
    assert len(chunks) == 1 and chunks[0].speech == () and chunks[0].has_audio_to_decode
