"""Jobs: create (from a tus upload or a multipart file), list, read, cancel, retry, delete, and
download the transcript or the media.

Store and file work is blocking, so plain `def` routes run in the threadpool; only creation is
`async`, because it streams the multipart body, and it hands blocking steps to threads.
"""

from __future__ import annotations

import json
import mimetypes
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from video_transcriber.api.deps import (
    InsightsDep,
    IntakeDep,
    LayoutDep,
    ManagerDep,
    ModelsDep,
    OwnerDep,
    ReaderDep,
    SettingsDep,
    SignerDep,
    StoreDep,
)
from video_transcriber.api.downloads import content_disposition, safe_stem
from video_transcriber.api.schemas import (
    SPEAKERS_PATTERN,
    ErrorBody,
    JobCreate,
    JobOptions,
    JobPage,
    JobPublic,
    LinkTokenPublic,
    TranscriptFormat,
)
from video_transcriber.api.streaming import declared_length, stream_body
from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus
from video_transcriber.errors import UploadError, UploadTooLargeError
from video_transcriber.formats import CONTENT_TYPES, EXTENSIONS, render
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.intake import JobIntake, QueuedJob
from video_transcriber.jobs.job_insights import JobInsights
from video_transcriber.languages.options import check_language_options
from video_transcriber.store.job import Job
from video_transcriber.uploads.multipart import MAX_FIELD_BYTES, StreamingForm
from video_transcriber.uploads.tus import too_large_message

JSON_BODY_LIMIT = 64 * 1024
MULTIPART_OVERHEAD = MAX_FIELD_BYTES + 64 * 1024
"""Bytes a multipart body may carry beyond the file itself (boundaries, headers, fields)."""

_CREATE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/JobCreate"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string", "maxLength": 200},
                        "options": {
                            "type": "string",
                            "description": "JobOptions as a JSON object.",
                        },
                        "model": {"type": "string"},
                        "language": {"type": "string", "pattern": "^([a-z]{2,3}|auto)$"},
                        "task": {"type": "string", "enum": ["transcribe", "translate"]},
                        "beam_size": {"type": "integer", "minimum": 1, "maximum": 16},
                        "word_timestamps": {"type": "boolean"},
                        "speakers": {"type": "string", "pattern": SPEAKERS_PATTERN},
                    },
                }
            },
        },
    }
}

_M = TypeVar("_M", JobCreate, JobOptions)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}
CONFLICT: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}, 409: {"model": ErrorBody}}

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


@router.get("", response_model=JobPage)
def list_jobs(
    store: StoreDep,
    insights: InsightsDep,
    owner: OwnerDep,
    status_filter: Annotated[JobStatus | None, Query(alias="status")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search names.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JobPage:
    """Your jobs, newest first; filter by status, search name and file name."""
    jobs, total = store.list_jobs(
        owner=owner, status=status_filter, search=q, limit=limit, offset=offset
    )
    keywords = insights.keywords.jobs_keywords(job.id for job in jobs)  # one query per page
    items = [JobPublic.of(job, keywords=keywords.get(job.id)) for job in jobs]
    return JobPage(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=JobPublic,
    openapi_extra=_CREATE_BODY,
    responses={
        400: {"model": ErrorBody},
        404: {"model": ErrorBody},
        413: {"model": ErrorBody},
        415: {"model": ErrorBody},
        422: {"model": ErrorBody},
    },
)
async def create_job(
    request: Request,
    settings: SettingsDep,
    models: ModelsDep,
    layout: LayoutDep,
    intake: IntakeDep,
    owner: OwnerDep,
) -> JobPublic:
    """Queue a transcription: JSON naming a finished tus upload, or a multipart `file`."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        queued = await _from_multipart(
            request, content_type, settings, models, layout, intake, owner
        )
    elif content_type.split(";")[0].strip() == "application/json":
        body = _parse(JobCreate, await _small_body(request))
        options = _checked(body.options, settings, models)
        queued = await run_in_threadpool(
            lambda: intake.from_upload(
                owner=owner,
                upload_id=body.upload_id,
                name=body.name,
                options=options,
                keywords=body.options.keywords,
            )
        )
    else:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "Send JSON with an upload_id, or the file itself as multipart/form-data.",
        )
    return JobPublic.of(queued.job, keywords=queued.keywords)


@router.get("/{job_id}", response_model=JobPublic, responses=NOT_FOUND)
def get_job(
    job_id: uuid.UUID, store: StoreDep, insights: InsightsDep, owner: OwnerDep
) -> JobPublic:
    return _public(store.get(str(job_id), owner=owner), insights)


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_job(job_id: uuid.UUID, manager: ManagerDep, owner: OwnerDep) -> Response:
    """Delete the job, its transcript, its media and its scratch files."""
    manager.delete(str(job_id), owner=owner)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{job_id}/cancel", response_model=JobPublic, responses=CONFLICT)
def cancel_job(
    job_id: uuid.UUID, manager: ManagerDep, insights: InsightsDep, owner: OwnerDep
) -> JobPublic:
    return _public(manager.cancel(str(job_id), owner=owner), insights)


@router.post("/{job_id}/retry", response_model=JobPublic, responses=CONFLICT)
def retry_job(
    job_id: uuid.UUID, manager: ManagerDep, insights: InsightsDep, owner: OwnerDep
) -> JobPublic:
    """Queue a failed or cancelled job again; chunks it already finished are kept."""
    return _public(manager.retry(str(job_id), owner=owner), insights)


@router.post("/{job_id}/token", response_model=LinkTokenPublic, responses=NOT_FOUND)
def create_link_token(
    job_id: uuid.UUID, store: StoreDep, signer: SignerDep, owner: OwnerDep
) -> LinkTokenPublic:
    """A short-lived token for `?token=` on this job's GET-only URLs (media, transcript, events,
    insights), for browsers that cannot send `Authorization` from a player, link or EventSource."""
    job = store.get(str(job_id), owner=owner)
    minted = signer.mint(job.id, job.owner)
    return LinkTokenPublic(
        token=minted.token, expires_at=datetime.fromtimestamp(minted.expires_at, UTC)
    )


@router.get(
    "/{job_id}/transcript",
    responses={**CONFLICT, 200: {"content": {t: {} for t in CONTENT_TYPES.values()}}},
)
def get_transcript(
    request: Request,
    job_id: uuid.UUID,
    store: StoreDep,
    insights: InsightsDep,
    owner: ReaderDep,
    fmt: Annotated[TranscriptFormat, Query(alias="format")] = "txt",
) -> Response:
    """The finished transcript as txt, srt, vtt, json, tsv, md (study sheet), html
    (standalone searchable page) or chapters (a WebVTT `kind="chapters"` track), as a download."""
    job = store.get(str(job_id), owner=owner)
    transcript = store.transcript(job.id) if job.status is JobStatus.COMPLETED else None
    if transcript is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"The transcript is not ready: the job is {job.status.value}. "
            "Wait until its status is completed (or retry it if it failed).",
        )
    media_url = None
    if fmt == "html" and not request.app.state.keys.required:
        media_url = str(request.url_for("get_media", job_id=job.id))
    extras = insights.render_extras(job, transcript, fmt, media_url=media_url)
    body = render(transcript, fmt, title=job.name, **extras)
    return Response(
        content=body,
        media_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(job.name, EXTENSIONS[fmt][1:])},
    )


@router.get("/{job_id}/media", response_class=FileResponse, responses=NOT_FOUND)
def get_media(
    job_id: uuid.UUID, store: StoreDep, layout: LayoutDep, owner: ReaderDep
) -> FileResponse:
    """The uploaded media, with range requests for players."""
    job = store.get(str(job_id), owner=owner)
    path = layout.inside(job.media_path)
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The media file of this job is gone.")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(
        path,
        media_type=media_type,
        content_disposition_type="inline",
        filename=safe_stem(job.name) + path.suffix,
    )


def _public(job: Job, insights: JobInsights) -> JobPublic:
    """`JobPublic` with the job's own keywords (one small query)."""
    return JobPublic.of(job, keywords=insights.keywords.job_keywords(job.id))


async def _small_body(request: Request) -> bytes:
    length = declared_length(request)
    if length is not None and length > JSON_BODY_LIMIT:
        raise UploadError("The JSON body is too large; send only upload_id, name and options.")
    chunks = bytearray()
    async for piece in request.stream():
        chunks.extend(piece)
        if len(chunks) > JSON_BODY_LIMIT:
            raise UploadError("The JSON body is too large; send only upload_id, name and options.")
    return bytes(chunks)


def _parse(model: type[_M], data: bytes | dict[str, Any]) -> _M:
    try:
        if isinstance(data, bytes):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


def _checked(options: JobOptions, settings: Settings, models: frozenset[str]) -> Any:
    """Domain options, after refusing model names that cannot load here (`jobs.offered_models`)."""
    if options.model is not None and options.model not in models:
        raise _invalid(
            ("body", "options", "model"),
            "enum",
            f"Model {options.model!r} is not on this server (it cannot download models); use "
            "one of the names GET /api/config lists",
        )
    model = settings.model
    try:
        check_language_options(
            options.model or model.name, options.language or model.language, options.task
        )
    except ValueError as exc:
        raise _invalid(("body", "options", "task" if options.task else "language"),
                       "value_error", str(exc)) from None  # fmt: skip
    return options.to_domain()


def _invalid(loc: tuple[str, ...], kind: str, message: str) -> RequestValidationError:
    """A 422 for one field, shaped like FastAPI's own (`api.errors` turns it into a sentence)."""
    return RequestValidationError([{"type": kind, "loc": loc, "msg": message}])


async def _from_multipart(
    request: Request,
    content_type: str,
    settings: Settings,
    models: frozenset[str],
    layout: DataLayout,
    intake: JobIntake,
    owner: str,
) -> QueuedJob:
    cap = settings.service.max_upload_bytes
    length = declared_length(request)
    if length is not None and length > cap + MULTIPART_OVERHEAD:
        raise UploadTooLargeError(too_large_message(length, cap))
    destination = layout.incoming / f"{uuid.uuid4().hex}.part"
    form = StreamingForm(content_type, destination, max_bytes=cap)
    try:
        if not await stream_body(request, form.feed_many):
            raise UploadError("The upload was cut off before it finished; send the file again.")
        result = await run_in_threadpool(form.finish)
        parsed = _parse(JobOptions, _form_options(result.fields))
        options = _checked(parsed, settings, models)
        return await run_in_threadpool(
            lambda: intake.from_file(
                owner=owner,
                path=destination,
                filename=result.filename or "upload",
                name=result.fields.get("name"),
                options=options,
                keywords=parsed.keywords,
            )
        )
    finally:
        form.close()
        Path(destination).unlink(missing_ok=True)


def _form_options(fields: dict[str, str]) -> dict[str, Any]:
    """JobOptions from the form: `options` (a JSON object), then the single fields over it, as
    sent; numbers and booleans are JSON literals (`4`, `true`), validated as strictly as JSON."""
    data = _options_object(fields.get("options", ""))
    for key in ("model", "language", "task", "speakers"):
        if key in fields:
            data[key] = fields[key]
    for key in ("beam_size", "word_timestamps"):
        if key in fields:
            data[key] = _json_literal(fields[key])
    return data


def _json_literal(text: str) -> Any:
    """`4` -> 4, `true` -> True; anything else (`null` too) stays text, which validation
    refuses for these fields."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return value if isinstance(value, int | float | bool) else text


def _options_object(text: str) -> dict[str, Any]:
    """The `options` form field: a JSON object, or nothing; anything else is invalid (422)."""
    if not text.strip():
        return {}
    try:
        given = json.loads(text)
    except json.JSONDecodeError:
        given = None
    if isinstance(given, dict):
        return given
    raise _invalid(("body", "options"), "json_invalid", "The 'options' field must be a JSON object")
