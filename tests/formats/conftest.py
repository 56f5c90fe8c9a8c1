"""Transcripts the writer tests share: a short lecture with words, a hostile one, an empty one."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Segment, Transcript, Word
from video_transcriber.insights import Insights, analyze

HOSTILE = '<script>alert(1)</script> & "quotes" <img src=x onerror=alert(2)> --> end'


def words_for(text: str, start: float, end: float) -> tuple[Word, ...]:
    """Evenly timed words, the shape faster-whisper gives (leading space, punctuation attached)."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    return tuple(
        Word(start + i * step, start + (i + 1) * step, f" {token}")
        for i, token in enumerate(tokens)
    )


@pytest.fixture
def lecture() -> Transcript:
    long_text = (
        "Today we look at gradient descent, which is the workhorse of machine learning, and we "
        "will see why the learning rate matters so much for convergence in practice."
    )
    segments = [
        Segment(0.0, 3.5, "Welcome back, everyone."),
        Segment(3.5, 12.25, long_text, words=words_for(long_text, 3.5, 12.25)),
        Segment(12.25, 15.0, "What happens if the rate is too large?"),
        Segment(15.5, 18.0, "Remember, this will be on the"),
        Segment(18.0, 19.2, "exam."),
        Segment(6000.0, 6002.5, "And that is all for today."),
    ]
    return Transcript(
        segments=segments,
        language="en",
        duration=6005.0,
        model="tiny.en",
        plan={"workers": 2, "threads_per_worker": 1},
        timings={"decode": 1.5, "total": 12.0},
    )


@pytest.fixture
def lecture_insights(lecture: Transcript) -> Insights:
    return analyze(
        lecture.segments,
        keywords=["learning rate", "exam", "gradient descent", "never said"],
        emphasis_phrases=["remember", "on the exam", "make sure"],
        duration=lecture.duration,
    )


@pytest.fixture
def hostile() -> Transcript:
    return Transcript(
        segments=[
            Segment(0.0, 2.0, HOSTILE),
            Segment(2.0, 4.0, "Tabs\there and\nnew lines & <b>bold</b>?"),
        ],
        language="en",
        duration=4.0,
    )


@pytest.fixture
def empty() -> Transcript:
    return Transcript(segments=[], language="en", duration=0.0)
