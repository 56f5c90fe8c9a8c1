"""Who talked how much, and which questions came from the audience.

Talk time is summed over the segments each speaker has (diarization splits segments where the
speaker changes, so a segment has one speaker). The *main speaker* is the one with the most
talk time — in a lecture, the lecturer; a question whose first segment has another speaker is
an "audience question". Without speakers (diarization off) there is nothing to say: no talk
times, no question is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from video_transcriber.domain import Segment
from video_transcriber.insights.model import Question, SpeakerTime


def talk_times(segments: Sequence[Segment]) -> tuple[SpeakerTime, ...]:
    """Seconds and share of talk per speaker, most first."""
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for segment in segments:
        if segment.speaker is None or not segment.text.strip():
            continue
        seconds[segment.speaker] = seconds.get(segment.speaker, 0.0) + segment.end - segment.start
        counts[segment.speaker] = counts.get(segment.speaker, 0) + 1
    total = sum(seconds.values()) or 1.0
    ranked = sorted(seconds, key=lambda name: -seconds[name])
    return tuple(
        SpeakerTime(name, round(seconds[name], 3), round(seconds[name] / total, 4), counts[name])
        for name in ranked
    )


def _speaker_at(segments: Sequence[Segment], time: float) -> str | None:
    best: Segment | None = None
    for segment in segments:
        if segment.start <= time + 1e-6:
            best = segment
        else:
            break
    return best.speaker if best is not None else None


def flag_audience(
    questions: Sequence[Question], segments: Sequence[Segment], times: Sequence[SpeakerTime]
) -> tuple[Question, ...]:
    """`questions` with their speaker, `audience` when not asked by the main speaker."""
    if not times:
        return tuple(questions)
    main = times[0].speaker
    flagged = []
    for question in questions:
        who = _speaker_at(segments, question.start)
        audience = who is not None and who != main and len(times) > 1
        flagged.append(replace(question, speaker=who, audience=audience))
    return tuple(flagged)
