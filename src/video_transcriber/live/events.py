"""What the live engine tells a client: the protocol's messages as plain data.

`Partial` is the current unstable hypothesis (replaced by the next partial or final), `Final`
committed text with its audio's times in seconds from the stream's start. `message()` is the JSON
object the WebSocket sends, exactly as docs/API.md documents it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Partial:
    text: str
    start: float

    def message(self) -> dict[str, Any]:
        return {"type": "partial", "text": self.text, "start": round(self.start, 3)}


@dataclass(frozen=True, slots=True)
class Final:
    text: str
    start: float
    end: float

    def message(self) -> dict[str, Any]:
        return {
            "type": "final",
            "text": self.text,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }


Caption = Partial | Final


def error_message(message: str) -> dict[str, Any]:
    """The frame sent before the server closes a stream it cannot serve."""
    return {"type": "error", "message": message}


def done_message(job_id: str | None) -> dict[str, Any]:
    """The last frame: the kept audio's job (None when the stream kept no audio)."""
    return {"type": "done", "job_id": job_id}
