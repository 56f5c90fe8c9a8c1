"""Millisecond rounding and timestamp shapes."""

from __future__ import annotations

import pytest

from video_transcriber.formats.timecode import clock, timestamp, to_milliseconds


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, 0),
        (1.0005, 1001),  # half-up on the decimal value, not truncated by binary float
        (1.0004, 1000),
        (2.9999, 3000),
        (0.0015, 2),
        (-3.0, 0),
        (float("nan"), 0),
        (float("inf"), 0),
        (3600 * 101 + 0.25, 363_600_250),
    ],
)
def test_to_milliseconds_rounds_half_up(seconds: float, expected: int) -> None:
    assert to_milliseconds(seconds) == expected


def test_timestamp_separators_and_large_hours() -> None:
    assert timestamp(0, separator=",") == "00:00:00,000"
    assert timestamp(6_000_001, separator=",") == "01:40:00,001"  # 100 minutes
    assert timestamp(363_600_250, separator=".") == "101:00:00.250"


def test_clock_rounds_down_to_the_second() -> None:
    assert clock(59.999) == "00:00:59"
    assert clock(6000.0) == "01:40:00"
    assert clock(-1) == "00:00:00"
