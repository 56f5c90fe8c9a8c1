"""Turning Whisper's tokens into segments without losing any text."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Segment
from video_transcriber.engine.decoding import (
    WindowText,
    compression_ratio,
    doubtful,
    encoder_frames,
    split_tokens,
)

TS = 1000  # timestamp_begin in these synthetic token streams
EOT = 900


def t(seconds: float) -> int:
    return TS + round(seconds / 0.02)


def test_timestamped_segments() -> None:
    tokens = [t(0.0), 1, 2, t(2.0), t(2.0), 3, t(4.5), EOT]
    assert split_tokens(tokens, TS, EOT, 10.0) == [(0.0, 2.0, [1, 2]), (2.0, 4.5, [3])]


def test_text_after_the_last_timestamp_is_kept_to_the_window_end() -> None:
    tokens = [t(0.0), 1, 2, t(2.0), t(2.5), 3, 4]
    got = split_tokens(tokens, TS, EOT, 7.5)
    assert got[-1] == (2.5, 7.5, [3, 4])


def test_text_without_any_timestamp() -> None:
    assert split_tokens([5, 6, EOT], TS, EOT, 3.0) == [(0.0, 3.0, [5, 6])]


def test_compression_ratio_flags_loops() -> None:
    assert compression_ratio("the same words again " * 20) > 2.4
    assert compression_ratio("A normal sentence about printing and books.") < 2.4
    assert compression_ratio("") == pytest.approx(0.0)


def window(*segments: tuple[float, float, str]) -> WindowText:
    return WindowText(tuple(Segment(a, b, text) for a, b, text in segments), -0.3, 0.01, 1.2)


def test_segments_at_speaking_pace_need_no_word_timings() -> None:
    text = window(
        (0.0, 4.0, "one two three four five six seven eight"), (4.5, 6.0, "nine ten eleven")
    )
    assert not doubtful(text, 20.0)
    assert not doubtful(window(), 20.0)


def test_a_slow_segment_may_hide_skipped_speech() -> None:
    # 5 words over 10 s: the decoder likely stretched the segment over a sentence it skipped
    assert doubtful(window((0.0, 10.0, "and so my fellow Americans")), 20.0)


def test_text_left_open_to_the_window_end_may_hide_a_lost_tail() -> None:
    assert doubtful(
        window(
            (0.0, 4.0, "one two three four five six seven eight"),
            (
                4.0,
                12.0,
                "nine ten eleven twelve thirteen fourteen fifteen sixteen"
                " seventeen eighteen nineteen twenty twenty-one twenty-two",
            ),
        ),
        12.0,
    )


@pytest.mark.parametrize(
    ("seconds", "silence", "frames"),
    [
        (10.0, 5.0, 1500),  # 10 s of audio and 5 s of silence
        (10.01, 5.0, 1600),  # rounded up to whole seconds
        (22.0, 5.0, 2700),
        (27.0, 5.0, 3000),  # never more than Whisper's 30 s
        (0.0, 0.0, 100),  # never nothing
        (3.0, None, 3000),  # None: always 30 s
    ],
)
def test_encoder_input_is_the_audio_and_some_silence(
    seconds: float, silence: float | None, frames: int
) -> None:
    assert encoder_frames(round(seconds * 16000), silence) == frames
    assert frames % 2 == 0  # the encoder's stride-2 convolution
