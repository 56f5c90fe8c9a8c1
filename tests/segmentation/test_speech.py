"""speech_spans: hysteresis, minimum silence and speech, padding, clamping."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from video_transcriber.config import VadSettings
from video_transcriber.domain import SpeechSpan
from video_transcriber.segmentation.speech import FRAME_SECONDS, speech_spans, total_speech

F = FRAME_SECONDS
NO_PAD = VadSettings(speech_pad_ms=0, min_speech_ms=0, min_silence_ms=100)


def probs(*runs: tuple[float, int]) -> np.ndarray:
    """Probabilities from (value, frame count) runs."""
    return np.concatenate([np.full(count, value) for value, count in runs])


def spans_of(p: np.ndarray, vad: VadSettings, duration: float | None = None) -> list[SpeechSpan]:
    return speech_spans(p, vad, duration=duration if duration is not None else p.size * F)


def test_single_span_without_padding() -> None:
    (span,) = spans_of(probs((0.0, 10), (0.9, 20), (0.0, 30)), NO_PAD)
    assert (span.start, span.end) == pytest.approx((10 * F, 30 * F))


def test_no_speech_and_empty_input() -> None:
    assert spans_of(probs((0.1, 100)), VadSettings()) == []
    assert speech_spans(np.zeros(0), VadSettings(), duration=10.0) == []
    assert speech_spans(probs((0.9, 10)), VadSettings(), duration=0.0) == []


def test_hysteresis_keeps_span_through_middling_frames() -> None:
    # 0.4 is below threshold 0.5 but above neg_threshold 0.35: still speech once started.
    p = probs((0.0, 10), (0.9, 10), (0.4, 40), (0.9, 10), (0.0, 30))
    assert len(spans_of(p, NO_PAD)) == 1
    # ... but 0.4 never starts a span on its own.
    assert spans_of(probs((0.0, 10), (0.4, 50), (0.0, 10)), NO_PAD) == []


def test_short_silence_does_not_end_a_span_long_silence_does() -> None:
    vad = VadSettings(speech_pad_ms=0, min_speech_ms=0, min_silence_ms=500)
    short = probs((0.9, 20), (0.1, 10), (0.9, 20), (0.0, 40))  # 320 ms pause
    assert len(spans_of(short, vad)) == 1
    long = probs((0.9, 20), (0.1, 20), (0.9, 20), (0.0, 40))  # 640 ms pause
    first, second = spans_of(long, vad)
    assert first.end == pytest.approx(20 * F)  # ends where the silence began
    assert second.start == pytest.approx(40 * F)


def test_min_speech_drops_blips() -> None:
    vad = VadSettings(speech_pad_ms=0, min_speech_ms=250, min_silence_ms=100)
    p = probs((0.0, 20), (0.9, 3), (0.0, 20), (0.9, 20), (0.0, 20))  # 96 ms blip, 640 ms speech
    spans = spans_of(p, vad)
    assert len(spans) == 1
    assert spans[0].start == pytest.approx(43 * F)


def test_speech_running_to_the_end_is_closed_at_duration() -> None:
    p = probs((0.0, 10), (0.9, 30))
    duration = 39.5 * F  # the last frame was zero-padded
    (span,) = spans_of(p, NO_PAD, duration)
    assert span.end == pytest.approx(duration)


def test_padding_is_clamped_to_the_media() -> None:
    vad = VadSettings(speech_pad_ms=200, min_speech_ms=0, min_silence_ms=100)
    (span,) = spans_of(probs((0.0, 2), (0.9, 20), (0.0, 3)), vad)
    assert span.start == 0.0
    assert span.end == pytest.approx(25 * F)


def test_overlapping_pads_split_the_gap() -> None:
    vad = VadSettings(speech_pad_ms=300, min_speech_ms=0, min_silence_ms=100)
    p = probs((0.0, 50), (0.9, 20), (0.0, 10), (0.9, 20), (0.0, 50))  # 320 ms gap < 600 ms
    first, second = spans_of(p, vad)
    assert first.end == second.start == pytest.approx(75 * F)
    assert first.start == pytest.approx(50 * F - 0.3)
    assert second.end == pytest.approx(100 * F + 0.3)


def test_total_speech() -> None:
    assert total_speech([SpeechSpan(0, 1), SpeechSpan(2, 4.5)]) == pytest.approx(3.5)


def test_rejects_2d_probabilities() -> None:
    with pytest.raises(ValueError, match="1-D"):
        speech_spans(np.zeros((2, 2)), VadSettings(), duration=1.0)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(0.0, 1.0), min_size=0, max_size=400),
    threshold=st.floats(0.2, 0.9),
    pad=st.integers(0, 600),
    silence=st.integers(0, 800),
    min_speech=st.integers(0, 500),
    trim=st.floats(0.0, 0.99),
)
def test_spans_are_sorted_disjoint_and_inside_the_media(
    values: list[float], threshold: float, pad: int, silence: int, min_speech: int, trim: float
) -> None:
    vad = VadSettings(
        threshold=threshold, speech_pad_ms=pad, min_silence_ms=silence, min_speech_ms=min_speech
    )
    duration = max(len(values) - trim, 0.01) * F
    spans = speech_spans(np.array(values), vad, duration=duration)
    for span in spans:
        assert 0.0 <= span.start < span.end <= duration
    for left, right in itertools.pairwise(spans):
        assert left.end <= right.start
    # every frame confidently above the threshold is inside some span
    for index, value in enumerate(values):
        moment = (index + 0.5) * F
        if value >= threshold and moment < duration and min_speech == 0:
            assert any(s.start <= moment <= s.end for s in spans)
