"""Chunk work as JSON, for workers on other machines: what goes out, what comes back.

A remote worker shares no filesystem with the API, so a task carries the chunk's audio itself:
the slice of the PCM file, compressed losslessly with FLAC (`media.flac`, about half the bytes
of int16 PCM) and base64-encoded to fit in JSON. The worker transcribes exactly the samples the
local pool would have read, so both executors give the same transcript.

A reply is either `{"result": ...}` (a `ChunkResult`) or `{"error": {"type", "message"}}`;
errors travel as data rather than pickled exceptions, and `error_from_reply` turns our own error
types back into themselves.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

import numpy as np

from video_transcriber import errors
from video_transcriber.domain import (
    Chunk,
    ChunkResult,
    Segment,
    SpeechSpan,
    TranscribeOptions,
    Voice,
)
from video_transcriber.media.flac import decode_flac, encode_flac

Payload = dict[str, Any]


def task_payload(
    job_id: str, chunk: Chunk, options: TranscribeOptions, samples: np.ndarray
) -> Payload:
    """The JSON body of one chunk task, audio included."""
    return {
        "job_id": job_id,
        "chunk": chunk_to_dict(chunk),
        "options": asdict(options),
        "audio_flac_b64": base64.b64encode(encode_flac(samples)).decode("ascii"),
    }


def read_task(payload: Payload) -> tuple[str, Chunk, TranscribeOptions, np.ndarray]:
    """Job id, chunk, options and float32 samples of a task made by `task_payload`."""
    samples = decode_flac(base64.b64decode(payload["audio_flac_b64"]))
    options = TranscribeOptions(**payload.get("options", {}))
    return str(payload["job_id"]), chunk_from_dict(payload["chunk"]), options, samples


def chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    return {
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "speech": [[span.start, span.end] for span in chunk.speech],
        "faint": [[span.start, span.end] for span in chunk.faint],
    }


def chunk_from_dict(data: dict[str, Any]) -> Chunk:
    speech = tuple(SpeechSpan(float(start), float(end)) for start, end in data["speech"])
    faint = tuple(SpeechSpan(float(start), float(end)) for start, end in data.get("faint", []))
    return Chunk(int(data["index"]), float(data["start"]), float(data["end"]), speech, faint)


def result_reply(result: ChunkResult) -> Payload:
    return {"result": asdict(result)}


def error_reply(error: BaseException) -> Payload:
    return {"error": {"type": type(error).__name__, "message": str(error)}}


def result_from_reply(reply: Payload) -> ChunkResult:
    """The `ChunkResult` of a successful reply; raises the reply's error otherwise."""
    if "error" in reply:
        raise error_from_reply(reply["error"])
    data = reply["result"]
    return ChunkResult(
        chunk_index=int(data["chunk_index"]),
        segments=tuple(Segment.from_dict(seg) for seg in data["segments"]),
        language=str(data["language"]),
        decode_seconds=float(data["decode_seconds"]),
        redecoded_spans=int(data.get("redecoded_spans", 0)),
        voices=_voices(data.get("voices")),
    )


def _voices(items: list[dict[str, Any]] | None) -> tuple[Voice, ...] | None:
    if items is None:
        return None
    return tuple(Voice(float(v["start"]), float(v["end"]), str(v["embedding"])) for v in items)


def error_from_reply(error: dict[str, Any]) -> Exception:
    """Our own error types come back as themselves; anything else as a `RuntimeError`."""
    kind = getattr(errors, str(error.get("type", "")), None)
    message = str(error.get("message", "unknown error"))
    if isinstance(kind, type) and issubclass(kind, errors.VideoTranscriberError):
        return kind(message)
    return RuntimeError(f"{error.get('type', 'Error')}: {message}")
