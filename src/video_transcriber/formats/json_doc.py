"""JSON: the transcript as a stable, versioned document, and `parse_json` to read it back.

Schema (version 1; fields are only ever added, never renamed or removed):

    {"schema_version": 1, "title": str, "language": str, "duration": float, "model": str,
     "plan": {...}, "timings": {str: float}, "text": str,
     "segments": [{"id": int, "start": float, "end": float, "text": str,
                   "avg_logprob": float, "no_speech_prob": float,
                   "speaker": str | null,                               # null without speakers
                   "language": str,                                     # only when known
                   "words": [{"start", "end", "text", "probability"}]   # only when present
                  }],
     "insights": {...} | null,                                          # Insights.to_dict()
     "language_probability": float | null,    # how sure detection was; null when given
     "task": "transcribe" | "translate",      # translate: English text, `language` spoken
     "chapters": [{"start", "end", "title", "summary": [str], "key_phrases": [str]}]}
                                                 # [] when the study tools made no guide

Times are seconds rounded half-up to the millisecond (negative times become 0), as in SRT.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from video_transcriber.domain import Segment, Transcript, Word
from video_transcriber.formats.timecode import to_milliseconds
from video_transcriber.insights.model import Insights

SCHEMA_VERSION = 1


def _seconds(value: float) -> float:
    return to_milliseconds(value) / 1000


def _segment_dict(index: int, segment: Segment) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": index,
        "start": _seconds(segment.start),
        "end": _seconds(segment.end),
        "text": segment.text.strip(),
        "avg_logprob": round(float(segment.avg_logprob), 4),
        "no_speech_prob": round(float(segment.no_speech_prob), 4),
    }
    item["speaker"] = segment.speaker
    if segment.language:
        item["language"] = segment.language
    if segment.words:
        item["words"] = [
            {
                "start": _seconds(w.start),
                "end": _seconds(w.end),
                "text": w.text,
                "probability": round(float(w.probability), 4),
            }
            for w in segment.words
        ]
    return item


def to_document(
    transcript: Transcript, *, insights: Insights | None = None, title: str = ""
) -> dict[str, Any]:
    """The JSON document as a dict (see the module docstring for the schema)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "title": title,
        "language": transcript.language,
        "duration": _seconds(transcript.duration),
        "model": transcript.model,
        "plan": dict(transcript.plan),
        "timings": {key: round(float(value), 3) for key, value in transcript.timings.items()},
        "text": transcript.text,
        "segments": [_segment_dict(i, s) for i, s in enumerate(transcript.segments)],
        "insights": insights.to_dict() if insights is not None else None,
        "language_probability": _probability(transcript.language_probability),
        "task": transcript.task,
        "chapters": list(insights.study.get("chapters", ())) if insights and insights.study else [],
    }


def _probability(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """Pretty-printed UTF-8 JSON; values the schema does not know (in `plan`) become strings."""
    document = to_document(transcript, insights=insights, title=title)
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


def parse_json(text: str) -> Transcript:
    """The transcript in a document written by `render` (insights: `parse_json_insights`)."""
    document = _load(text)
    return Transcript(
        segments=[_segment_from(item) for item in document.get("segments", [])],
        language=str(document.get("language", "")),
        duration=float(document.get("duration", 0.0)),
        model=str(document.get("model", "")),
        plan=dict(document.get("plan", {})),
        timings={str(k): float(v) for k, v in document.get("timings", {}).items()},
        language_probability=_probability(document.get("language_probability")),
        task=str(document.get("task", "transcribe")),
    )


def parse_json_insights(text: str) -> Insights | None:
    """The insights in a document written by `render`, or None if it has none."""
    data = _load(text).get("insights")
    return Insights.from_dict(data) if data else None


def _load(text: str) -> dict[str, Any]:
    document = json.loads(text)
    if not isinstance(document, dict) or "segments" not in document:
        raise ValueError("not a transcript JSON document: no 'segments' list")
    return document


def _segment_from(item: Mapping[str, Any]) -> Segment:
    return Segment(
        start=float(item["start"]),
        end=float(item["end"]),
        text=str(item["text"]),
        words=tuple(
            Word(
                start=float(w["start"]),
                end=float(w["end"]),
                text=str(w["text"]),
                probability=float(w.get("probability", 1.0)),
            )
            for w in item.get("words", ())
        ),
        avg_logprob=float(item.get("avg_logprob", 0.0)),
        no_speech_prob=float(item.get("no_speech_prob", 0.0)),
        speaker=str(item["speaker"]) if item.get("speaker") is not None else None,
        language=str(item.get("language", "")),
    )
