"""Turning Whisper's tokens into segments without losing any text."""

from __future__ import annotations

import pytest

from video_transcriber.engine.decoding import compression_ratio, split_tokens

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
