"""Faint spans: signal above the floor outside speech, never reaching into speech."""

from __future__ import annotations

import numpy as np

from video_transcriber.domain import SpeechSpan
from video_transcriber.segmentation.faint import FaintOptions, faint_spans

FRAME = 0.032


def _levels(seconds: float, floor: float = -70.0) -> np.ndarray:
    return np.full(round(seconds / FRAME), floor)


def _set(levels: np.ndarray, start: float, end: float, db: float) -> None:
    levels[round(start / FRAME) : round(end / FRAME)] = db


def test_signal_outside_speech_is_faint_and_padded() -> None:
    levels = _levels(20.0)
    _set(levels, 2.0, 6.0, -25.0)  # detected speech
    _set(levels, 10.0, 12.0, -50.0)  # rejected, 20 dB above the floor
    spans = faint_spans(levels, -70.0, [SpeechSpan(2.0, 6.0)], frame_seconds=FRAME, duration=20.0)
    assert len(spans) == 1
    assert abs(spans[0].start - 9.8) < 0.05 and abs(spans[0].end - 12.2) < 0.05


def test_noise_floor_clicks_and_speech_itself_are_not_faint() -> None:
    levels = _levels(20.0)
    _set(levels, 2.0, 6.0, -25.0)
    _set(levels, 9.0, 9.2, -40.0)  # a click: 0.2 s
    _set(levels, 12.0, 14.0, -62.0)  # 8 dB above the floor
    spans = faint_spans(levels, -70.0, [SpeechSpan(1.8, 6.2)], frame_seconds=FRAME, duration=20.0)
    assert spans == []


def test_faint_spans_stop_at_speech_and_ignore_what_is_far_under_it() -> None:
    levels = _levels(20.0, floor=-90.0)
    _set(levels, 2.0, 6.0, -20.0)
    _set(levels, 6.0, 8.0, -45.0)  # continues straight after speech
    _set(levels, 12.0, 14.0, -75.0)  # 15 dB over the floor but 55 dB under speech
    speech = [SpeechSpan(2.0, 6.1)]
    spans = faint_spans(levels, -90.0, speech, frame_seconds=FRAME, duration=20.0)
    assert len(spans) == 1
    assert spans[0].start >= 6.1 and abs(spans[0].end - 8.2) < 0.05


def test_a_faint_run_around_short_speech_is_split_around_it() -> None:
    levels = _levels(20.0)
    _set(levels, 4.0, 8.0, -50.0)
    speech = [SpeechSpan(5.5, 5.8)]
    spans = faint_spans(
        levels, -70.0, speech, frame_seconds=FRAME, duration=20.0, options=FaintOptions()
    )
    # Not the audio the speech span's window holds anyway (0.8 s before it, 0.3 s after).
    assert [(round(s.start, 1), round(s.end, 1)) for s in spans] == [(3.8, 4.9), (5.9, 8.2)]
