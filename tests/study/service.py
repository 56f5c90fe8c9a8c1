"""A running service whose runner 'transcribes' by script: a WAV's length (whole seconds)
picks which reference transcript comes back, so the study tools run on real text (and the
real embedding model) without speech recognition."""

from __future__ import annotations

from typing import Any

from testkit.evaluation.paraphrases import SESSIONS
from testkit.evaluation.topic_lecture import TopicLecture, layout, reference_segments
from video_transcriber.domain import ChunkResult, Progress, Stage, Transcript
from video_transcriber.media.probe import probe
from video_transcriber.pipeline.runner import RunRequest

FOUR_TOPICS = 3
"""Seconds of WAV that stand for the four-topic lecture; others below are the sessions."""
LECTURES: dict[int, TopicLecture] = {
    FOUR_TOPICS: layout(topic_seconds=150.0, seed=5),
    4: layout(("printing",), topic_seconds=0.0, seed=1, catalogue=SESSIONS),
    5: layout(("objects",), topic_seconds=0.0, seed=1, catalogue=SESSIONS),
}


class StudyRunner:
    """A `JobRunner` returning the reference transcript of `LECTURES[whole seconds]`."""

    def chunk_seconds(self, duration: float | None) -> float:
        return 30.0

    def transcribe(self, request: RunRequest) -> Transcript:
        lecture = LECTURES[round(probe(request.path).duration)]
        segments = reference_segments(lecture)
        request.on_chunk(ChunkResult(0, tuple(segments), "en", 0.01))
        request.on_progress(Progress(Stage.TRANSCRIBING, 100.0, 1, 1))
        return Transcript(list(segments), "en", lecture.duration, model="scripted")

    def cancel(self, job_id: str) -> None: ...

    def describe(self) -> dict[str, Any]:
        return {"workers": 1}

    def close(self) -> None: ...
