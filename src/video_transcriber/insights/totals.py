"""Totals: how many words, how much of the media is speech, and how fast the speaker talks.

Speech time is the union of segment spans (overlaps counted once), so words per minute measures
the pace while talking, not diluted by pauses; `speech_share` is that time over the media
duration, clamped to 0-1.
"""

from __future__ import annotations

from collections.abc import Sequence

from video_transcriber.domain import Segment
from video_transcriber.insights.model import Totals
from video_transcriber.insights.sentences import count_words
from video_transcriber.languages.scripts import count_units, is_unspaced, unit_name


def speech_seconds(segments: Sequence[Segment]) -> float:
    """Seconds covered by at least one segment."""
    total = 0.0
    covered_until = float("-inf")
    for start, end in sorted((s.start, s.end) for s in segments if s.end > s.start):
        if end <= covered_until:
            continue
        total += end - max(start, covered_until)
        covered_until = end
    return total


def compute_totals(
    segments: Sequence[Segment], *, duration: float, language: str | None = None
) -> Totals:
    """Word count (characters for an unspaced language), speech time and share, and words
    per minute of speech."""
    if is_unspaced(language):
        words = sum(count_units(s.text, language) for s in segments)
    else:
        words = sum(count_words(s.text) for s in segments)
    speech = speech_seconds(segments)
    share = min(1.0, speech / duration) if duration > 0 else 0.0
    pace = words / (speech / 60.0) if speech > 0 else 0.0
    return Totals(
        words=words,
        duration=max(0.0, duration),
        speech_seconds=speech,
        speech_share=share,
        words_per_minute=pace,
        units=unit_name(language),
    )
