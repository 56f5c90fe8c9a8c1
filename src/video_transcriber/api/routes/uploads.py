"""tus 1.0 at `/files/`: core (HEAD, PATCH, OPTIONS), creation (with upload, deferred length),
termination, concatenation and expiration. State and disk work live in `uploads.tus`.

Sizes are checked before bytes land: `Upload-Length` against the cap at creation, and each
PATCH's `Content-Length` against the room left. Bodies stream to disk in ~1 MiB blocks written
from worker threads. PATCHes to one upload are serialised with an asyncio lock; a client that
drops mid-PATCH keeps every byte that arrived and resumes from the offset HEAD reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from email.utils import formatdate
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from starlette.concurrency import run_in_threadpool

from video_transcriber.api.deps import OwnerDep, SettingsDep, UploadsDep
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.api.streaming import declared_length, stream_body
from video_transcriber.errors import UploadError, UploadOffsetError, UploadTooLargeError
from video_transcriber.uploads.tus import (
    TUS_EXTENSIONS,
    TUS_VERSION,
    TusStore,
    UploadInfo,
    encode_metadata,
    parse_metadata,
    too_large_message,
)

OCTET = "application/offset+octet-stream"
LOCK_WAIT_SECONDS = 10.0
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 404, 409, 410, 412, 413, 415)
}

router = APIRouter(prefix="/files", tags=["uploads"])


class _Locks:
    """One asyncio lock per upload id, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, upload_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(upload_id, (asyncio.Lock(), 0))
        self._locks[upload_id] = (lock, users + 1)
        try:
            try:
                await asyncio.wait_for(lock.acquire(), LOCK_WAIT_SECONDS)
            except TimeoutError:
                raise UploadOffsetError(
                    "Another request is still writing to this upload; retry in a moment."
                ) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            self._release_user(upload_id)

    def _release_user(self, upload_id: str) -> None:
        lock, users = self._locks[upload_id]
        if users <= 1:
            del self._locks[upload_id]
        else:
            self._locks[upload_id] = (lock, users - 1)


_locks = _Locks()


def _check_version(tus_resumable: str | None) -> None:
    if tus_resumable != TUS_VERSION:
        raise HTTPException(
            status.HTTP_412_PRECONDITION_FAILED,
            f"Send the header 'Tus-Resumable: {TUS_VERSION}'.",
            headers={"Tus-Version": TUS_VERSION},
        )


def _expires(info: UploadInfo) -> str:
    return formatdate(info.expires, usegmt=True)


@router.options("/", status_code=204, include_in_schema=False)
@router.options("", status_code=204, include_in_schema=False)
def tus_options(settings: SettingsDep) -> Response:
    """What this tus server supports."""
    return Response(
        status_code=204,
        headers={
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": ",".join(TUS_EXTENSIONS),
            "Tus-Max-Size": str(settings.service.max_upload_bytes),
        },
    )


@router.post("", status_code=201, include_in_schema=False)
@router.post("/", status_code=201, responses=_ERRORS)
async def tus_create(
    request: Request,
    uploads: UploadsDep,
    owner: OwnerDep,
    tus_resumable: Annotated[str | None, Header()] = None,
    upload_length: Annotated[str | None, Header()] = None,
    upload_defer_length: Annotated[str | None, Header()] = None,
    upload_metadata: Annotated[str | None, Header()] = None,
    upload_concat: Annotated[str | None, Header()] = None,
) -> Response:
    """Create an upload (tus creation); the body may carry its first bytes."""
    _check_version(tus_resumable)
    metadata = parse_metadata(upload_metadata)
    concat = (upload_concat or "").strip()
    if concat.startswith("final;"):
        if upload_length is not None or upload_defer_length is not None:
            raise UploadError("A final concatenation must not send Upload-Length.")
        part_ids = [url.rstrip("/").rsplit("/", 1)[-1] for url in concat[6:].split()]
        info = await run_in_threadpool(
            lambda: uploads.concatenate(owner=owner, part_ids=part_ids, metadata=metadata)
        )
        return _created(request, info)
    if concat not in ("", "partial"):
        raise UploadError("Upload-Concat must be 'partial' or 'final;<upload URLs>'.")
    length = _creation_length(upload_length, upload_defer_length)
    info = await run_in_threadpool(
        lambda: uploads.create(
            owner=owner, length=length, metadata=metadata, partial=concat == "partial"
        )
    )
    if request.headers.get("content-type", "").startswith(OCTET):
        async with _locks.hold(info.id):
            info = await _append(request, uploads, info)
    return _created(request, info)


def _creation_length(upload_length: str | None, defer: str | None) -> int | None:
    if upload_length is not None:
        if not upload_length.isdigit():
            raise UploadError("Upload-Length must be a whole number of bytes.")
        return int(upload_length)
    if defer == "1":
        return None
    raise UploadError("Send Upload-Length (or 'Upload-Defer-Length: 1').")


def _created(request: Request, info: UploadInfo) -> Response:
    headers = {
        "Location": str(request.url_for("tus_head", upload_id=info.id)),
        "Upload-Expires": _expires(info),
    }
    if info.offset:
        headers["Upload-Offset"] = str(info.offset)
    return Response(status_code=201, headers=headers)


@router.head("/{upload_id}", name="tus_head", responses=_ERRORS)
def tus_head(
    upload_id: str,
    uploads: UploadsDep,
    owner: OwnerDep,
    tus_resumable: Annotated[str | None, Header()] = None,
) -> Response:
    """How much of the upload the server has (`Upload-Offset`)."""
    _check_version(tus_resumable)
    info = uploads.get(upload_id, owner)
    headers = {
        "Upload-Offset": str(info.offset),
        "Cache-Control": "no-store",
        "Upload-Expires": _expires(info),
    }
    if info.length is None:
        headers["Upload-Defer-Length"] = "1"
    else:
        headers["Upload-Length"] = str(info.length)
    if info.metadata:
        headers["Upload-Metadata"] = encode_metadata(info.metadata)
    if info.partial:
        headers["Upload-Concat"] = "partial"
    elif info.final:
        headers["Upload-Concat"] = "final;" + " ".join(f"/files/{p}" for p in info.parts)
    return Response(status_code=200, headers=headers)


@router.patch("/{upload_id}", status_code=204, responses=_ERRORS)
async def tus_patch(
    upload_id: str,
    request: Request,
    uploads: UploadsDep,
    owner: OwnerDep,
    tus_resumable: Annotated[str | None, Header()] = None,
    upload_offset: Annotated[str | None, Header()] = None,
    upload_length: Annotated[str | None, Header()] = None,
) -> Response:
    """Append the body at `Upload-Offset`."""
    _check_version(tus_resumable)
    if not request.headers.get("content-type", "").startswith(OCTET):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"Content-Type must be {OCTET}."
        )
    if upload_offset is None or not upload_offset.isdigit():
        raise UploadError("Send Upload-Offset: the offset HEAD reported.")
    length = None if upload_length is None else _creation_length(upload_length, None)
    async with _locks.hold(upload_id):
        info = await run_in_threadpool(
            lambda: uploads.begin_append(upload_id, owner, offset=int(upload_offset), length=length)
        )
        info = await _append(request, uploads, info)
    return Response(
        status_code=204,
        headers={
            "Upload-Offset": str(info.offset),
            "Upload-Expires": _expires(info),
        },
    )


async def _append(request: Request, uploads: TusStore, info: UploadInfo) -> UploadInfo:
    """Stream the body onto the upload, refusing (before reading) what would not fit."""
    room = uploads.room(info)
    incoming = declared_length(request)
    if incoming is not None and incoming > room:
        raise _overflow(uploads, info, info.offset + incoming)
    written = 0
    out = await run_in_threadpool(uploads.open_data, info.id)

    def sink(block: bytes) -> None:
        nonlocal written
        if written + len(block) > room:
            raise _overflow(uploads, info, info.offset + written + len(block))
        out.write(block)
        written += len(block)

    try:
        await stream_body(request, sink)
    finally:
        await run_in_threadpool(_close_synced, out)
    return await run_in_threadpool(uploads.get, info.id, info.owner)


def _overflow(uploads: TusStore, info: UploadInfo, size: int) -> UploadError:
    if info.length is None or size > uploads.max_bytes:
        return UploadTooLargeError(too_large_message(size, uploads.max_bytes))
    return UploadError(f"This request would go past the declared Upload-Length ({info.length}).")


def _close_synced(out: Any) -> None:
    out.flush()
    with contextlib.suppress(OSError):
        os.fsync(out.fileno())
    out.close()


@router.delete("/{upload_id}", status_code=204, responses=_ERRORS)
async def tus_delete(
    upload_id: str,
    uploads: UploadsDep,
    owner: OwnerDep,
    tus_resumable: Annotated[str | None, Header()] = None,
) -> Response:
    """Stop an upload and delete what arrived (tus termination)."""
    _check_version(tus_resumable)
    async with _locks.hold(upload_id):
        await run_in_threadpool(uploads.delete, upload_id, owner)
    return Response(status_code=204)
