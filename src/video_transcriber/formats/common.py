"""Helpers the study-sheet writers (Markdown, HTML) share.

When the caller passes no insights, the sheets still show totals and questions — both need no
configuration — by running `insights.analyze` with no keywords and no emphasis phrases.
"""

from __future__ import annotations

from typing import Protocol

from video_transcriber.domain import Transcript
from video_transcriber.insights import analyze
from video_transcriber.insights.model import Insights


class Renderer(Protocol):
    """What every writer module's `render` looks like."""

    def __call__(
        self,
        transcript: Transcript,
        *,
        insights: Insights | None = None,
        title: str = "",
        media_url: str | None = None,
    ) -> str: ...


def insights_or_basic(transcript: Transcript, insights: Insights | None) -> Insights:
    """`insights`, or totals and questions computed on the spot."""
    if insights is not None:
        return insights
    return analyze(
        transcript.segments,
        keywords=(),
        emphasis_phrases=(),
        duration=transcript.duration,
        language=transcript.language,
    )


def percent(share: float) -> str:
    """0.8765 -> "88%"."""
    return f"{round(share * 100):d}%"
