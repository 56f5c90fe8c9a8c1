"""OpenAI's audio API shapes: errors, `verbose_json`, the model list — pure functions of our data.

Kept apart from the route so the exact field names OpenAI clients parse are in one place:
`{"error": {"message", "type", "param", "code"}}` for errors, and for `verbose_json`
`{"task", "language", "duration", "text", "segments": [...], "words": [...]}` with Whisper's
segment fields. Values we do not have are filled the way Whisper reports them for greedy
decoding at temperature 0: `tokens` is empty and `seek` is the segment start in 10 ms frames.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from video_transcriber.domain import Segment, Transcript

LANGUAGE_NAMES = {
    "en": "english", "de": "german", "es": "spanish", "fr": "french", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "pl": "polish", "ru": "russian", "uk": "ukrainian",
    "zh": "chinese", "ja": "japanese", "ko": "korean", "ar": "arabic", "hi": "hindi",
    "tr": "turkish", "sv": "swedish", "da": "danish", "no": "norwegian", "fi": "finnish",
    "cs": "czech", "el": "greek", "he": "hebrew", "hu": "hungarian", "ro": "romanian",
    "id": "indonesian", "vi": "vietnamese", "th": "thai", "ca": "catalan", "fa": "persian",
}  # fmt: skip
"""OpenAI's verbose_json names the language in full, as Whisper's tokenizer does."""


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class OpenAIErrorBody(BaseModel):
    """`{"error": {...}}`, as OpenAI's API answers errors."""

    error: OpenAIErrorDetail


class OpenAIModel(BaseModel):
    id: str
    object: str
    created: int
    owned_by: str


class OpenAIModelList(BaseModel):
    object: str
    data: list[OpenAIModel]


class OpenAIError(Exception):
    """An error answered in OpenAI's shape, which OpenAI clients turn into their exceptions."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.kind = kind
        self.param = param
        self.code = code

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        body = {
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": self.param,
                "code": self.code,
            }
        }
        return JSONResponse(body, status_code=self.status_code, headers=headers)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def compression_ratio(text: str) -> float:
    """Whisper's repetition check: text bytes over zlib-compressed bytes."""
    data = text.encode("utf-8")
    return round(len(data) / len(zlib.compress(data)), 4) if data else 0.0


def usage(transcript: Transcript) -> dict[str, Any]:
    return {"type": "duration", "seconds": math.ceil(transcript.duration)}


def simple_json(transcript: Transcript) -> dict[str, Any]:
    return {"text": transcript.text, "usage": usage(transcript)}


def _segment(index: int, segment: Segment) -> dict[str, Any]:
    text = segment.text if segment.text.startswith(" ") else " " + segment.text
    extra = {"speaker": segment.speaker} if segment.speaker is not None else {}
    return {
        "id": index,
        "seek": round(segment.start * 100),
        "start": round(segment.start, 3),
        "end": round(segment.end, 3),
        "text": text,
        "tokens": [],
        "temperature": 0.0,
        "avg_logprob": round(float(segment.avg_logprob), 4),
        "compression_ratio": compression_ratio(segment.text.strip()),
        "no_speech_prob": round(float(segment.no_speech_prob), 4),
        **extra,
    }


def verbose_json(transcript: Transcript, *, segments: bool, words: bool) -> dict[str, Any]:
    """`verbose_json`: segments unless only word timestamps were asked for, words if asked."""
    body: dict[str, Any] = {
        "task": transcript.task,
        "language": language_name(transcript.language),
        "duration": round(transcript.duration, 3),
        "text": transcript.text,
    }
    if segments:
        body["segments"] = [_segment(i, s) for i, s in enumerate(transcript.segments)]
    if words:
        body["words"] = [
            {"word": word.text.strip(), "start": round(word.start, 3), "end": round(word.end, 3)}
            for segment in transcript.segments
            for word in segment.words
            if word.text.strip()
        ]
    body["usage"] = usage(transcript)
    return body


def model_list(default_model: str, models: frozenset[str], created: int) -> dict[str, Any]:
    """`GET /v1/models`: `whisper-1` (an alias), the configured model, then every other model
    this service offers (`jobs.offered_models`)."""
    return {
        "object": "list",
        "data": [
            {"id": name, "object": "model", "created": created, "owned_by": "video-transcriber"}
            for name in dict.fromkeys(("whisper-1", default_model, *sorted(models)))
        ],
    }
