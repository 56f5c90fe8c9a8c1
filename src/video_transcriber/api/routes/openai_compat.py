"""OpenAI-compatible transcription: `POST /v1/audio/transcriptions` and `GET /v1/models`.

A request becomes an ordinary job owned by the caller's key: the file streams to disk through the
same multipart reader and `JobIntake.from_file` the job API uses, the job runs on the shared warm
pool, and the route waits for it on the event bus (re-reading the store every few seconds), so
history, metrics and `/api/jobs` include it. If the client hangs up while waiting, the job is
cancelled. `whisper-1` and the configured model name mean the configured model; another known
name of a model on this machine runs that model, and any other answers 400 `model_not_found`.
Every error is in OpenAI's shape, so OpenAI clients raise their usual exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from video_transcriber.api.deps import (
    BusDep,
    IntakeDep,
    LayoutDep,
    ManagerDep,
    ModelsDep,
    SettingsDep,
    StoreDep,
)
from video_transcriber.api.openai_shapes import (
    OpenAIError,
    OpenAIErrorBody,
    OpenAIModelList,
    model_list,
    simple_json,
    verbose_json,
)
from video_transcriber.api.schemas import SPEAKERS_PATTERN
from video_transcriber.api.security import KeyRing
from video_transcriber.api.streaming import stream_body
from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus, Task, TranscribeOptions
from video_transcriber.errors import (
    MediaError,
    UploadTooLargeError,
    VideoTranscriberError,
)
from video_transcriber.formats import render
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.events import EventBus
from video_transcriber.jobs.intake import JobIntake
from video_transcriber.jobs.manager import JobManager
from video_transcriber.languages.catalog import WHISPER_LANGUAGES
from video_transcriber.languages.options import check_language_options
from video_transcriber.store.job import Job
from video_transcriber.store.job_store import JobStore
from video_transcriber.uploads.multipart import FILE_FIELD, FormResult, StreamingForm

ALIASES = frozenset({"whisper-1"})
"""OpenAI model names that mean "the configured model"."""
RESPONSE_FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
GRANULARITIES = frozenset({"segment", "word"})
RECHECK_SECONDS = 2.0
"""While waiting for the job: re-read it at least this often (a status event may be dropped)."""
DISCONNECT_CHECK_SECONDS = 0.5
"""While waiting for the job: how often to check the client is still there."""
LANGUAGE_CODES = sorted(WHISPER_LANGUAGES) + sorted(code.upper() for code in WHISPER_LANGUAGES)
"""The form's `language`: a Whisper code, in lower or upper case (`de`, `DE`)."""
_STARTED = int(time.time())

router = APIRouter(prefix="/v1", tags=["openai"])


class _Form(StreamingForm):
    """The streaming reader, keeping each value of repeated fields (`timestamp_granularities[]`)."""

    def __init__(self, content_type: str, destination: Path, *, max_bytes: int) -> None:
        super().__init__(content_type, destination, max_bytes=max_bytes)
        self.lists: dict[str, list[str]] = {}

    def _part_end(self) -> None:
        name = self._name
        super()._part_end()
        if name and name != FILE_FIELD:
            self.lists.setdefault(name, []).append(self.result.fields[name])


@dataclass(frozen=True, slots=True)
class _Params:
    response_format: str
    options: TranscribeOptions
    segments: bool
    words: bool


def _owner(request: Request) -> str:
    keys: KeyRing = request.app.state.keys
    owner = keys.owner_for(request.headers.get("authorization"))
    if owner is None:
        raise OpenAIError(
            401,
            "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.",
            code="invalid_api_key",
        )
    return owner


_ERROR = {"model": OpenAIErrorBody}
_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "The audio or video."},
        "model": {"type": "string", "description": "`whisper-1` means the configured model."},
        "response_format": {"type": "string", "enum": list(RESPONSE_FORMATS)},
        "timestamp_granularities[]": {
            "type": "array",
            "items": {"type": "string", "enum": sorted(GRANULARITIES)},
        },
        "language": {"type": "string", "enum": LANGUAGE_CODES},
        "prompt": {"type": "string"},
        "temperature": {"type": "number", "minimum": 0, "maximum": 1},
        "speakers": {
            "type": "string",
            "pattern": SPEAKERS_PATTERN,
            "description": "Extra: who spoke when (auto, off, 1-20); `speaker` on segments.",
        },
        "diarize": {"type": "boolean", "description": "Extra: `true` means `speakers=auto`."},
    },
}
_TRANSCRIPTION: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`json` and `verbose_json` as JSON; `text`, `srt` and `vtt` as text.",
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": ["text"], "properties": {"text": {}}}
            },
            "text/plain": {"schema": {"type": "string"}},
        },
    },
    **{code: _ERROR for code in (400, 401, 413, 500)},
}


@dataclass(frozen=True, slots=True)
class _Services:
    """What both endpoints hand to `_answer`."""

    settings: Settings
    models: frozenset[str]
    layout: DataLayout
    intake: JobIntake
    store: JobStore
    bus: EventBus
    manager: JobManager


def _services(
    settings: SettingsDep,
    models: ModelsDep,
    layout: LayoutDep,
    intake: IntakeDep,
    store: StoreDep,
    bus: BusDep,
    manager: ManagerDep,
) -> _Services:
    return _Services(settings, models, layout, intake, store, bus, manager)


ServicesDep = Annotated[_Services, Depends(_services)]


@router.get("/models", response_model=OpenAIModelList, responses={401: _ERROR})
def list_models(request: Request, settings: SettingsDep, models: ModelsDep) -> JSONResponse:
    """The models this service answers to (OpenAI's model list shape)."""
    try:
        _owner(request)
    except OpenAIError as exc:
        return exc.response()
    return JSONResponse(model_list(settings.model.name, models, _STARTED))


@router.post(
    "/audio/transcriptions",
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM}}}
    },
    responses=_TRANSCRIPTION,
)
async def create_transcription(request: Request, services: ServicesDep) -> Response:
    """Transcribe `file` like OpenAI's endpoint: json, text, srt, vtt or verbose_json."""
    return await _answer(request, services, "transcribe")


@router.post(
    "/audio/translations",
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM}}}
    },
    responses=_TRANSCRIPTION,
)
async def create_translation(request: Request, services: ServicesDep) -> Response:
    """Translate the speech in `file` to English like OpenAI's endpoint (same formats; the
    timestamps are the speech's; `verbose_json` names the spoken language). Needs a
    multilingual model: `model=base`, or a service configured with one."""
    return await _answer(request, services, "translate")


async def _answer(request: Request, services: _Services, task: Task) -> Response:
    """Either endpoint: receive the form, queue the job with `task`, wait, answer."""
    got = services
    try:
        owner = _owner(request)
        destination = got.layout.incoming / f"{uuid.uuid4().hex}.part"
        try:
            form = await _receive(request, got.settings, destination)
            params = _params(form.lists, got.settings, got.models, task)
            job = await _queue(got.intake, owner, destination, form.result, params.options)
        finally:
            destination.unlink(missing_ok=True)
        final = await _wait(request, job.id, owner, got.store, got.bus, got.manager)
        if final is None:
            return Response(status_code=499)  # the client is gone; nobody reads this
        return await _result(final, params, got.store)
    except OpenAIError as exc:
        return exc.response()
    except UploadTooLargeError as exc:
        return OpenAIError(413, str(exc), param="file").response({"Connection": "close"})
    except VideoTranscriberError as exc:
        status = exc.http_status if exc.http_status < 500 else 500
        kind = "invalid_request_error" if status < 500 else "server_error"
        return OpenAIError(status, str(exc), kind=kind).response()


async def _receive(request: Request, settings: Settings, destination: Path) -> _Form:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise OpenAIError(400, "Send the audio as multipart/form-data with a 'file' field.")
    form = _Form(content_type, destination, max_bytes=settings.service.max_upload_bytes)
    try:
        if not await stream_body(request, form.feed_many):
            raise OpenAIError(400, "The upload was cut off before it finished; send it again.")
        await run_in_threadpool(form.finish)
    finally:
        form.close()
    return form


def _one(lists: dict[str, list[str]], name: str) -> str | None:
    """The field's last value as sent, None when it is absent (an empty value is a value)."""
    values = lists.get(name)
    return values[-1] if values else None


def _model(requested: str | None, settings: Settings, models: frozenset[str]) -> str | None:
    """None for the configured model, else the requested known name."""
    if requested is None or requested in ALIASES or requested == settings.model.name:
        return None
    if requested not in models:
        raise OpenAIError(
            400,
            f"The model '{requested}' is not on this server (it cannot download models). Use "
            f"'whisper-1' (the configured model, {settings.model.name}) or one of: "
            f"{', '.join(sorted(models))}.",
            param="model",
            code="model_not_found",
        )
    return requested


def _params(
    lists: dict[str, list[str]], settings: Settings, models: frozenset[str], task: Task
) -> _Params:
    fmt = _response_format(_one(lists, "response_format"))
    granularities = _granularities(lists)
    _check_temperature(_one(lists, "temperature"))
    words = "word" in granularities and fmt == "verbose_json"
    options = TranscribeOptions(
        model=_model(_one(lists, "model"), settings, models),
        language=_language(_one(lists, "language")),
        word_timestamps=words,
        initial_prompt=_one(lists, "prompt") or None,
        speakers=_speakers(lists),
        task="translate" if task == "translate" else None,
    )
    try:
        check_language_options(
            options.model or settings.model.name,
            options.language or settings.model.language,
            options.task,
        )
    except ValueError as exc:
        raise OpenAIError(400, str(exc), param="model") from None
    segments = not granularities or "segment" in granularities
    return _Params(fmt, options, segments=segments, words=words)


def _speakers(lists: dict[str, list[str]]) -> str | None:
    """The extra `speakers` (auto, off, 1-20), or `diarize=true` for auto: speakers on every
    verbose_json segment, and speaker prefixes in srt, vtt and text."""
    value = _one(lists, "speakers")
    if value is None and (_one(lists, "diarize") or "").lower() in ("true", "1"):
        value = "auto"
    if value is None:
        return None
    if not re.fullmatch(SPEAKERS_PATTERN, value):
        raise OpenAIError(
            400, "speakers must be 'auto', 'off' or a number from 1 to 20.", param="speakers"
        )
    return value


def _response_format(value: str | None) -> str:
    if value is None:
        return "json"
    if value not in RESPONSE_FORMATS:
        raise OpenAIError(
            400,
            f"response_format must be one of {', '.join(RESPONSE_FORMATS)}.",
            param="response_format",
        )
    return value


def _granularities(lists: dict[str, list[str]]) -> set[str]:
    granularities = set(lists.get("timestamp_granularities[]", []))
    granularities |= set(lists.get("timestamp_granularities", []))
    if not granularities <= GRANULARITIES:
        raise OpenAIError(
            400,
            "timestamp_granularities may contain 'segment' and 'word'.",
            param="timestamp_granularities",
        )
    return granularities


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in LANGUAGE_CODES:
        raise OpenAIError(400, "language must be an ISO-639-1 code such as 'en'.", param="language")
    return value.lower()


def _check_temperature(value: str | None) -> None:
    """Accepted for compatibility; decoding uses the service's own temperature schedule."""
    if value is None:
        return
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise OpenAIError(400, "temperature must be a number from 0 to 1.", param="temperature")


async def _queue(
    intake: JobIntake, owner: str, path: Path, form: FormResult, options: TranscribeOptions
) -> Job:
    try:
        return await run_in_threadpool(
            lambda: (
                intake.from_file(
                    owner=owner,
                    path=path,
                    filename=form.filename or "audio",
                    name=None,
                    options=options,
                ).job
            )
        )
    except MediaError as exc:
        raise OpenAIError(400, str(exc), param="file") from exc


async def _wait(
    request: Request, job_id: str, owner: str, store: JobStore, bus: EventBus, manager: JobManager
) -> Job | None:
    """The job once it is final, or None if the client hung up (the job is then cancelled).

    The job is read again on each status event (progress and segment events cannot end it) and
    every `RECHECK_SECONDS`; a hang-up is noticed within `DISCONNECT_CHECK_SECONDS` however busy
    the job's event stream is."""
    loop = asyncio.get_running_loop()
    with bus.subscribe(job_id) as queue:
        job = await run_in_threadpool(store.get, job_id)
        read_at, status_changed = loop.time(), False
        while not job.status.is_final:
            with contextlib.suppress(TimeoutError):
                event = await asyncio.wait_for(queue.get(), timeout=DISCONNECT_CHECK_SECONDS)
                status_changed = status_changed or event.kind == "status"
            if await request.is_disconnected():
                with contextlib.suppress(VideoTranscriberError):  # finished or deleted meanwhile
                    await run_in_threadpool(lambda: manager.cancel(job_id, owner=owner))
                return None
            if status_changed or loop.time() - read_at >= RECHECK_SECONDS:
                job = await run_in_threadpool(store.get, job_id)
                read_at, status_changed = loop.time(), False
        return job


async def _result(job: Job, params: _Params, store: JobStore) -> Response:
    if job.status is JobStatus.FAILED:
        raise _failure(job, params)
    transcript = await run_in_threadpool(store.transcript, job.id)
    if job.status is not JobStatus.COMPLETED or transcript is None:
        raise OpenAIError(
            500, "The transcription was cancelled before it finished.", kind="server_error"
        )
    fmt = params.response_format
    if fmt == "json":
        return JSONResponse(simple_json(transcript))
    if fmt == "verbose_json":
        return JSONResponse(verbose_json(transcript, segments=params.segments, words=params.words))
    body = transcript.text + "\n" if fmt == "text" else render(transcript, fmt)
    return PlainTextResponse(body)


def _failure(job: Job, params: _Params) -> OpenAIError:
    error = job.error or "The transcription failed."
    model = params.options.model
    if model is not None and "Whisper model" in error:  # the model could not be loaded
        return OpenAIError(400, error, param="model", code="model_not_found")
    return OpenAIError(500, error, kind="server_error")
