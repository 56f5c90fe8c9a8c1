"""Packing speech spans into decode windows and mapping window time back to media time."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from video_transcriber.domain import SAMPLE_RATE, SpeechSpan
from video_transcriber.engine.windows import (
    TARGET_RMS,
    Window,
    WindowOptions,
    clip_spans,
    level,
    plan_windows,
    quietest_point,
    split_long_spans,
)

OPTIONS = WindowOptions(max_seconds=30.0, lead=0.8, trail=0.3)


def spans(*pairs: tuple[float, float]) -> list[SpeechSpan]:
    return [SpeechSpan(a, b) for a, b in pairs]


def test_short_pauses_are_kept_and_long_ones_squeezed() -> None:
    (window,) = plan_windows(spans((1, 5), (5.5, 9), (20, 24)), 0.0, 30.0, OPTIONS)
    # 0.5 s pause kept whole; the 11 s pause keeps 0.3 s after and 0.8 s before the next span
    got = [x for p in window.pieces for x in (p.source_start, p.source_end)]
    assert got == pytest.approx([0.2, 9.3, 19.2, 24.3])
    assert window.duration == pytest.approx(9.1 + 5.1)
    assert window.spans == tuple(spans((1, 5), (5.5, 9), (20, 24)))


def test_windows_hold_at_most_max_seconds_and_cut_between_spans() -> None:
    many = [SpeechSpan(i * 7.0, i * 7.0 + 6.0) for i in range(20)]
    windows = plan_windows(many, 0.0, 140.0, OPTIONS)
    assert len(windows) > 4
    assert all(w.duration <= OPTIONS.max_seconds for w in windows)
    assert [s for w in windows for s in w.spans] == many
    for before, after in itertools.pairwise(windows):
        assert before.end <= after.start


def test_edges_stay_inside_the_chunk_and_off_neighbouring_spans() -> None:
    windows = plan_windows(spans((10.1, 25), (25.5, 39), (39.2, 45.0)), 10.0, 45.1, OPTIONS)
    assert windows[0].start == 10.0
    assert windows[-1].end == 45.1
    assert windows[0].end <= windows[1].start


def test_to_absolute_maps_through_squeezed_gaps() -> None:
    (window,) = plan_windows(spans((1, 5), (20, 24)), 0.0, 30.0, OPTIONS)
    first, second = window.pieces
    assert window.to_absolute(0.0) == pytest.approx(0.2)
    assert window.to_absolute(2.0) == pytest.approx(2.2)
    # the boundary between pieces: an end stays in the first piece, a start moves to the second
    boundary = second.offset
    assert window.to_absolute(boundary, is_end=True) == pytest.approx(first.source_end)
    assert window.to_absolute(boundary) == pytest.approx(second.source_start)
    assert window.to_absolute(boundary + 1.0) == pytest.approx(20.2)
    assert window.to_absolute(29.0) == pytest.approx(window.end)  # past the audio: clamp


def test_window_audio_is_its_pieces_end_to_end() -> None:
    samples = np.arange(30 * SAMPLE_RATE, dtype=np.float32)
    (window,) = plan_windows(spans((11, 15), (20, 24)), 10.0, 40.0, OPTIONS)
    audio = window.audio(samples, 10.0)
    assert len(audio) == pytest.approx(window.duration * SAMPLE_RATE, abs=2)
    first = window.pieces[0]
    n = round(first.duration * SAMPLE_RATE)
    source = samples[round((first.source_start - 10.0) * SAMPLE_RATE) :][:n]
    assert source[0] == pytest.approx((10.2 - 10.0) * SAMPLE_RATE)
    # Levelled, so the same shape at another scale.
    np.testing.assert_allclose(audio[:n] / audio[n - 1], source / source[-1], rtol=1e-4)


def test_level_brings_quiet_and_loud_pieces_to_one_loudness() -> None:
    rng = np.random.default_rng(1)
    voice = rng.normal(0, 1, SAMPLE_RATE).astype(np.float32)
    quiet, loud = level(voice * 0.001), level(voice * 0.3)
    rms = [float(np.sqrt(np.mean(np.square(x)))) for x in (quiet, loud)]
    assert rms[0] == pytest.approx(TARGET_RMS, rel=0.05)
    assert rms[1] == pytest.approx(TARGET_RMS, rel=0.05)
    assert not level(np.zeros(100, dtype=np.float32)).any()
    hiss = voice * 1e-7
    assert float(np.abs(level(hiss)).max()) <= float(np.abs(hiss).max()) * 1000.0 + 1e-9


def test_clip_spans_trims_merges_and_drops() -> None:
    got = clip_spans(spans((0, 3), (2, 6), (8, 12), (15, 20)), 1.0, 10.0)
    assert got == spans((1, 6), (8, 10))


def test_long_span_split_at_quiet_points() -> None:
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.1, 70 * SAMPLE_RATE).astype(np.float32)
    for quiet in (23.0, 47.0):  # near-silent dips where a cut belongs
        samples[int(quiet * SAMPLE_RATE) : int((quiet + 0.2) * SAMPLE_RATE)] = 0.0
    parts = split_long_spans([SpeechSpan(0.0, 70.0)], samples, 0.0, 28.9)
    assert len(parts) == 3
    assert all(p.duration <= 28.9 for p in parts)
    assert parts[0].start == 0.0 and parts[-1].end == 70.0
    assert parts[0].end == pytest.approx(23.1, abs=0.06)
    assert parts[1].end == pytest.approx(47.1, abs=0.06)


def test_quietest_point_without_room_is_the_middle() -> None:
    assert quietest_point(np.zeros(10, dtype=np.float32), 0.0, 1.0, 1.05) == pytest.approx(1.025)


def test_window_to_absolute_single_piece() -> None:
    window = plan_windows(spans((3, 4)), 0.0, 10.0, OPTIONS)[0]
    assert isinstance(window, Window)
    assert window.to_absolute(0.5) == pytest.approx(window.start + 0.5)
