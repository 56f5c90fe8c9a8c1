"""The `live` command's work: stream a file or stdin PCM to `GET /api/live`, yield what comes back.

A file is decoded with PyAV (any format the service reads) to 16 kHz mono int16 and sent in
100 ms frames, paced to real time unless `fast`; `-` reads raw 16 kHz mono int16 little-endian
PCM from stdin as it comes (a microphone pipe sets its own pace). One thread sends, the caller's
thread receives, so captions arrive while audio is still going out. `websockets`' synchronous
client is used: the command needs no event loop.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from video_transcriber.client.service import ClientError
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.pcm import to_int16

FRAME_SECONDS = 0.1
FRAME_BYTES = round(FRAME_SECONDS * SAMPLE_RATE) * 2
STOP = json.dumps({"type": "stop"})


@dataclass(frozen=True, slots=True)
class LiveOptions:
    server: str = "http://127.0.0.1:8000"
    api_key: str | None = None
    language: str | None = None
    model: str | None = None
    name: str | None = None
    fast: bool = False
    """Send as fast as the connection takes it instead of at real-time pace."""


def live_url(options: LiveOptions) -> str:
    """`ws(s)://host/api/live?...` for an `http(s)://host` server address."""
    parts = urlsplit(options.server if "://" in options.server else f"http://{options.server}")
    scheme = {"https": "wss", "wss": "wss"}.get(parts.scheme, "ws")
    query = {"sample_rate": str(SAMPLE_RATE)}
    query |= {k: v for k, v in (("language", options.language), ("model", options.model),
                                ("name", options.name)) if v}  # fmt: skip
    path = parts.path.rstrip("/") + "/api/live"
    return urlunsplit((scheme, parts.netloc, path, urlencode(query), ""))


def file_frames(path: Path) -> Iterator[bytes]:
    """The file's audio as 100 ms frames of int16 LE PCM."""
    for block in iter_audio(path, block_seconds=10.0):
        data = to_int16(block).tobytes()
        for at in range(0, len(data), FRAME_BYTES):
            yield data[at : at + FRAME_BYTES]


def stdin_frames(stream: IO[bytes] | None = None) -> Iterator[bytes]:
    source = stream or sys.stdin.buffer
    while chunk := source.read(FRAME_BYTES):
        yield chunk


def paced(frames: Iterator[bytes]) -> Iterator[bytes]:
    """Frames released no faster than the audio they hold lasts."""
    began = time.monotonic()
    sent = 0.0
    for frame in frames:
        delay = began + sent - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield frame
        sent += len(frame) / 2 / SAMPLE_RATE


def open_stream(options: LiveOptions) -> ClientConnection:
    headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else None
    try:
        return connect(live_url(options), additional_headers=headers, max_size=2**20)
    except (OSError, InvalidHandshake, InvalidURI) as exc:
        raise ClientError(
            f"Could not open a live stream at {options.server} ({exc}). Check that the service "
            "runs there (--server or VT_SERVER)."
        ) from exc


def _send_all(connection: ClientConnection, frames: Iterator[bytes], errors: list[str]) -> None:
    try:
        for frame in frames:
            connection.send(frame)
        connection.send(STOP)
    except ConnectionClosed:
        pass  # the server ended the stream; its reason arrives on the receiving side
    except Exception as exc:  # a file that fails to decode part-way
        errors.append(str(exc))
        connection.close()


def stream_messages(frames: Iterator[bytes], options: LiveOptions) -> Iterator[dict[str, Any]]:
    """Send `frames` (then stop) and yield every server message until `done` or `error`."""
    connection = open_stream(options)
    errors: list[str] = []
    sender = threading.Thread(
        target=_send_all,
        args=(connection, frames if options.fast else paced(frames), errors),
        daemon=True,
    )
    sender.start()
    try:
        for raw in connection:
            message = json.loads(raw)
            yield message
            if message.get("type") in ("done", "error"):
                return
    except ConnectionClosed:
        pass
    finally:
        connection.close()
        sender.join(timeout=5)
    if errors:
        raise ClientError(errors[0])
    raise ClientError("The server closed the live stream before it was done; try again.")


def run_live(frames: Iterator[bytes], options: LiveOptions, out: IO[str]) -> str | None:
    """Print finals as `[m:ss] text` lines (the partial too, on a terminal, overwritten in
    place); the session's job id, or a `ClientError` with the server's message."""
    tty = out.isatty()
    for message in stream_messages(frames, options):
        kind = message.get("type")
        if kind == "final":
            line = f"[{_clock(message['start'])}] {message['text']}"
            out.write(("\r\033[K" if tty else "") + line + "\n")
        elif kind == "partial" and tty:
            out.write(f"\r\033[K  … {message['text']}"[:200])
        elif kind == "error":
            raise ClientError(f"The server ended the stream: {message['message']}")
        elif kind == "done":
            out.write("\r\033[K" if tty else "")
            out.flush()
            return message.get("job_id")
        out.flush()
    return None


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
