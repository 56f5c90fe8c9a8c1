"""Time formatting shared by the writers: milliseconds, SRT/VTT timestamps, and `HH:MM:SS` clocks.

Seconds are rounded half-up to the millisecond through their decimal text, so 1.0005 s becomes
1,001 ms (binary floating point would truncate it to 1,000). Hours are never wrapped at 24 or
capped at 99; they just grow digits.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

_MILLISECOND = Decimal("0.001")


def to_milliseconds(seconds: float) -> int:
    """`seconds` rounded half-up to whole milliseconds; negatives, NaN and inf become 0."""
    value = float(seconds)
    if not math.isfinite(value) or value <= 0:
        return 0
    return int(Decimal(str(value)).quantize(_MILLISECOND, rounding=ROUND_HALF_UP) * 1000)


def timestamp(milliseconds: int, *, separator: str) -> str:
    """`HH:MM:SS<separator>mmm`: separator "," for SRT, "." for WebVTT."""
    hours, rest = divmod(max(0, milliseconds), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def clock(seconds: float) -> str:
    """`HH:MM:SS`, rounded down so a link to it starts just before the words, not after."""
    whole = to_milliseconds(seconds) // 1000
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"
