"""One live-captions WebSocket: the protocol of docs/API.md over a `live.scheduler` stream.

Two tasks run per connection. The receiver reads client frames: binary frames are PCM handed to
the engine (`StreamHandle.feed` only appends, so the loop never waits on decoding); the text
frame `{"type": "stop"}` ends the input; anything else is refused. The sender relays what the
engine's decode threads produce (through `Bridge`, thread-safe) as JSON text frames. After
`stop` the engine finalises what is pending; the kept WAV then becomes an ordinary job
(`jobs.intake`, so the full offline pipeline, insights and search follow) and `done` names it.

Every refusal is an `{"type": "error", "message": ...}` frame and a close with a code that says
why (1003 bad data, 1008 not allowed, 1009 too big, 1011 server failure, 1013 busy), never an
exception that reaches the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from video_transcriber.config import Settings
from video_transcriber.domain import SAMPLE_RATE, TranscribeOptions
from video_transcriber.errors import MediaError, VideoTranscriberError
from video_transcriber.jobs.intake import JobIntake, display_name
from video_transcriber.live.events import Caption, done_message, error_message
from video_transcriber.live.scheduler import LiveEngine, StreamHandle

log = logging.getLogger(__name__)

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")
CLOSE_NORMAL = 1000
CLOSE_BAD_DATA = 1003
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_SERVER_ERROR = 1011
CLOSE_TRY_LATER = 1013


class Refusal(Exception):
    """End the stream with an error frame and `code`."""

    def __init__(self, message: str, code: int = CLOSE_BAD_DATA) -> None:
        super().__init__(message)
        self.code = code


class _Gone(Exception):
    """The client disconnected."""


@dataclass(frozen=True, slots=True)
class LiveParams:
    """The query of `GET /api/live`, checked."""

    language: str | None
    model: str | None
    name: str | None


def parse_params(
    query: Mapping[str, str], settings: Settings, models: frozenset[str]
) -> LiveParams:
    """The stream's options from its query string; `Refusal` says what is wrong."""
    rate = query.get("sample_rate")
    if rate is not None and rate.strip() != str(SAMPLE_RATE):
        raise Refusal(
            f"sample_rate={rate!r} is not supported: send 16 kHz mono signed 16-bit "
            f"little-endian PCM (resample first) and pass sample_rate={SAMPLE_RATE} or omit it."
        )
    language = query.get("language") or None
    if language is not None and not _LANGUAGE.fullmatch(language):
        raise Refusal(f"language={language!r} is not a language code; use e.g. 'en' or 'de'.")
    model = query.get("model") or None
    if model == settings.model.name:
        model = None
    if model is not None and model not in models:
        raise Refusal(
            f"The model {model!r} is not on this server (it cannot download models); omit it "
            f"for the configured model ({settings.model.name}) or use one of: "
            f"{', '.join(sorted(models))}."
        )
    return LiveParams(language and language.lower(), model, query.get("name") or None)


class Bridge:
    """The engine's `StreamSink`, called on decode threads, feeding an asyncio queue."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._loop = loop

    def _put(self, kind: str, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed (server shutting down)
            self._loop.call_soon_threadsafe(self.queue.put_nowait, (kind, value))

    def captions(self, captions: list[Caption]) -> None:
        self._put("captions", captions)

    def finished(self, audio: Path | None) -> None:
        self._put("finished", audio)

    def failed(self, message: str) -> None:
        self._put("failed", message)


@dataclass(frozen=True, slots=True)
class LiveSocket:
    """What one connection needs from the app."""

    engine: LiveEngine
    intake: JobIntake
    incoming: Path
    settings: Settings

    async def serve(self, websocket: WebSocket, owner: str, params: LiveParams) -> None:
        """Run the stream to its end (done, refusal or disconnect); the socket is closed after."""
        bridge = Bridge(asyncio.get_running_loop())
        record_to = self.incoming / f"live-{uuid.uuid4()}.wav"
        try:
            handle = self.engine.open(
                bridge, language=params.language, model=params.model, record_to=record_to
            )
        except VideoTranscriberError as exc:
            raise Refusal(str(exc), CLOSE_TRY_LATER) from exc
        receiver = asyncio.create_task(self._receive(websocket, handle))
        sender = asyncio.create_task(_send(websocket, bridge))
        try:
            done, _ = await asyncio.wait({receiver, sender}, return_when=asyncio.FIRST_COMPLETED)
            if receiver in done:
                receiver.result()  # raises the refusal or the disconnect
            audio = await sender
        except BaseException:
            handle.cancel()
            raise
        finally:
            for task in (receiver, sender):
                task.cancel()
        job_id = await run_in_threadpool(self._keep, owner, params, audio)
        await websocket.send_json(done_message(job_id))

    async def _receive(self, websocket: WebSocket, handle: StreamHandle) -> None:
        cap = self.settings.service.max_upload_bytes
        received = 0
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise _Gone
            data = message.get("bytes")
            if data is not None:
                received += len(data)
                if received > cap:
                    raise Refusal(
                        f"The stream passed the upload limit of {cap} bytes "
                        f"({cap / 2 / SAMPLE_RATE / 60:.0f} minutes of audio); start a new "
                        "stream to go on.",
                        CLOSE_TOO_BIG,
                    )
                handle.feed(data)
                continue
            if _is_stop(message.get("text")):
                handle.stop()
                return

    def _keep(self, owner: str, params: LiveParams, audio: Path | None) -> str | None:
        """The kept audio as a queued job (blocking: intake probes and stores)."""
        if audio is None:
            return None
        if not self.settings.live.keep_audio:
            audio.unlink(missing_ok=True)
            return None
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        try:
            queued = self.intake.from_file(
                owner=owner,
                path=audio,
                filename=f"live-{started[:10]}.wav",
                name=display_name(params.name or f"Live {started}", "live.wav"),
                options=TranscribeOptions(model=params.model, language=params.language),
            )
        except MediaError:  # nothing was sent: no session to make
            audio.unlink(missing_ok=True)
            return None
        return queued.job.id


def _is_stop(text: str | None) -> bool:
    """True for `{"type": "stop"}`; a `Refusal` for any other text frame."""
    try:
        value = json.loads(text or "")
    except ValueError:
        raise Refusal(
            'Text frames must be JSON: send {"type": "stop"} to end the stream; audio goes in '
            "binary frames (16 kHz mono int16 little-endian PCM)."
        ) from None
    if isinstance(value, dict) and value.get("type") == "stop":
        return True
    raise Refusal('The only text message is {"type": "stop"}; audio goes in binary frames.')


async def _send(websocket: WebSocket, bridge: Bridge) -> Path | None:
    """Relay captions until the engine is done with the stream; the kept audio."""
    while True:
        kind, value = await bridge.queue.get()
        if kind == "captions":
            for caption in value:
                await websocket.send_json(caption.message())
        elif kind == "finished":
            return value
        else:
            raise Refusal(str(value), CLOSE_SERVER_ERROR)


async def refuse(websocket: WebSocket, message: str, code: int) -> None:
    """Send the error frame and close, unless the client already left."""
    if websocket.client_state != WebSocketState.CONNECTED:
        return
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await websocket.send_json(error_message(message))
        await websocket.close(code=code)


async def run(live: LiveSocket, websocket: WebSocket, owner: str, params: LiveParams) -> None:
    """`serve`, with every way it can end turned into a clean close."""
    try:
        await live.serve(websocket, owner, params)
    except Refusal as refusal:
        await refuse(websocket, str(refusal), refusal.code)
        return
    except (_Gone, WebSocketDisconnect):
        return
    except Exception:
        log.exception("live stream failed")
        await refuse(websocket, "The live stream failed on the server; start it again.", 1011)
        return
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await websocket.close(code=CLOSE_NORMAL)
