"""Schemathesis hooks for the API contract run, loaded by `schemathesis.toml` at the repository
root: what a schema cannot tell schemathesis about the requests it sends.

- tus `PATCH /files/{id}` bodies are `application/offset+octet-stream`: raw bytes, sent as
  schemathesis sends `application/octet-stream`.
- A media upload's `file` must be audio or video, and what schemathesis generates for a binary
  field is noise. Every generated file becomes a real (tiny) recording instead, so uploads create
  jobs, and the stateful phase follows the links from them into the job's other operations.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.serialization import Binary

MEDIA_UPLOADS = {
    ("POST", "/api/jobs"),
    ("POST", "/v1/audio/transcriptions"),
    ("POST", "/v1/audio/translations"),
}
SAMPLE_RATE = 16_000


def _tone(seconds: float = 0.5, hertz: float = 440.0) -> bytes:
    """A mono 16-bit WAV of a sine tone: media the service decodes, with no speech to transcribe
    (so a job finishes in a moment)."""
    frames = b"".join(
        struct.pack("<h", round(8000 * math.sin(2 * math.pi * hertz * n / SAMPLE_RATE)))
        for n in range(round(seconds * SAMPLE_RATE))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)
    return out.getvalue()


TONE = _tone()

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """In a valid media upload, the generated `file` becomes the tone (the other fields stay as
    drawn). Invalid bodies keep theirs: the file may be what makes them invalid."""
    if (case.method.upper(), case.operation.path) not in MEDIA_UPLOADS:
        return
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY):
        return
    if isinstance(case.body, dict) and isinstance(case.body.get("file"), Binary):
        case.body["file"] = Binary(TONE)
        # Schemathesis re-checks an edited body and, unable to validate binary content, would
        # relabel this valid case as invalid; take the edit as the case's starting state instead
        # (as schemathesis does for auth it adds).
        case._record_starting_state()
