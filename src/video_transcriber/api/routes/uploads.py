"""tus 1.0 at `/files/`: core (HEAD, PATCH, OPTIONS), creation (with upload, deferred length),
termination, checksum, concatenation and expiration. State and disk work live in `uploads`.

Sizes are checked before bytes land: `Upload-Length` against the cap at creation, and each
PATCH's `Content-Length` against the room left. Bodies stream to disk in blocks written from
worker threads (`api.streaming`), and a PATCH is answered once its bytes are on disk. Requests
to one upload are serialised with an asyncio lock (a final concatenation holds all its parts'
locks); a client that drops mid-PATCH keeps every byte that arrived and resumes from the offset
HEAD reports. A partial upload may say where it belongs in the final file
(`Upload-Concat-Layout`, see `uploads.layout`), which makes its concatenation a rename.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from email.utils import formatdate
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from starlette.concurrency import run_in_threadpool

from video_transcriber.api.deps import OwnerDep, SettingsDep, UploadsDep
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.api.streaming import declared_length, stream_body
from video_transcriber.errors import (
    UploadChecksumError,
    UploadError,
    UploadOffsetError,
    UploadTooLargeError,
)
from video_transcriber.uploads.checksum import ALGORITHMS, Checksum, parse_checksum
from video_transcriber.uploads.concat import part_ids
from video_transcriber.uploads.layout import parse_placement
from video_transcriber.uploads.metadata import encode_metadata, parse_metadata
from video_transcriber.uploads.protocol import TUS_VERSION, whole_number
from video_transcriber.uploads.tus import TUS_EXTENSIONS, TusStore, UploadInfo, too_large_message
from video_transcriber.uploads.writer import DataWriter

OCTET = "application/offset+octet-stream"
LOCK_WAIT_SECONDS = 10.0
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 403, 404, 409, 410, 412, 413, 415, 460)
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

    @contextlib.asynccontextmanager
    async def hold_all(self, upload_ids: list[str]) -> AsyncIterator[None]:
        """Every id's lock, taken in one global order so two holders cannot deadlock."""
        async with contextlib.AsyncExitStack() as stack:
            for upload_id in sorted(set(upload_ids)):
                await stack.enter_async_context(self.hold(upload_id))
            yield

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
            "Allow": "OPTIONS, POST",
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": ",".join(TUS_EXTENSIONS),
            "Tus-Max-Size": str(settings.service.max_upload_bytes),
            "Tus-Checksum-Algorithm": ",".join(ALGORITHMS),
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
    upload_concat_layout: Annotated[str | None, Header()] = None,
    upload_checksum: Annotated[str | None, Header()] = None,
) -> Response:
    """Create an upload (tus creation); the body may carry its first bytes."""
    _check_version(tus_resumable)
    metadata = parse_metadata(upload_metadata)
    concat = (upload_concat or "").strip()
    if concat.startswith("final;"):
        if upload_length is not None or upload_defer_length is not None:
            raise UploadError("A final concatenation must not send Upload-Length.")
        return await _concatenate(request, uploads, owner, concat, metadata)
    if concat not in ("", "partial"):
        raise UploadError("Upload-Concat must be 'partial' or 'final;<upload URLs>'.")
    length = _creation_length(upload_length, upload_defer_length)
    placement = parse_placement(upload_concat_layout)
    checksum = parse_checksum(upload_checksum)  # refused before anything is created
    info = await run_in_threadpool(
        lambda: uploads.create(
            owner=owner,
            length=length,
            metadata=metadata,
            partial=concat == "partial",
            placement=placement,
        )
    )
    if request.headers.get("content-type", "").startswith(OCTET):
        async with _locks.hold(info.id):
            info = await _append(request, uploads, info, checksum)
    return _created(request, info)


async def _concatenate(
    request: Request, uploads: TusStore, owner: str, concat: str, metadata: dict[str, str]
) -> Response:
    ids = part_ids(concat)
    async with _locks.hold_all(ids):
        info = await run_in_threadpool(
            lambda: uploads.concatenate(owner=owner, part_ids=ids, metadata=metadata, concat=concat)
        )
    return _created(request, info)


def _creation_length(upload_length: str | None, defer: str | None) -> int | None:
    if upload_length is not None:
        length = whole_number(upload_length)
        if length is None:
            raise UploadError("Upload-Length must be a whole number of bytes.")
        return length
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
        headers["Upload-Concat"] = info.concat or "final;" + " ".join(
            f"/files/{p}" for p in info.parts
        )
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
    upload_checksum: Annotated[str | None, Header()] = None,
) -> Response:
    """Append the body at `Upload-Offset`."""
    _check_version(tus_resumable)
    if not request.headers.get("content-type", "").startswith(OCTET):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"Content-Type must be {OCTET}."
        )
    offset = None if upload_offset is None else whole_number(upload_offset)
    if offset is None:
        raise UploadError("Send Upload-Offset: the offset HEAD reported.")
    length = None if upload_length is None else _creation_length(upload_length, None)
    checksum = parse_checksum(upload_checksum)
    async with _locks.hold(upload_id):
        info = await run_in_threadpool(
            lambda: uploads.begin_append(upload_id, owner, offset=offset, length=length)
        )
        info = await _append(request, uploads, info, checksum)
    return Response(
        status_code=204,
        headers={
            "Upload-Offset": str(info.offset),
            "Upload-Expires": _expires(info),
        },
    )


async def _append(
    request: Request, uploads: TusStore, info: UploadInfo, checksum: Checksum | None
) -> UploadInfo:
    """Stream the body onto the upload, refusing (before reading) what would not fit; with a
    checksum, the bytes count only if the whole body arrived and matches it."""
    room = uploads.room(info)
    incoming = declared_length(request)
    if incoming is not None and incoming > room:
        raise _overflow(uploads, info, info.offset + incoming)
    digest = checksum.new() if checksum is not None else None
    writer = await run_in_threadpool(uploads.open_writer, info, digest)

    def sink(pieces: list[bytes]) -> None:
        size = sum(len(piece) for piece in pieces)
        if writer.written + size > room:
            raise _overflow(uploads, info, info.offset + writer.written + size)
        writer.write(pieces)

    try:
        whole = await stream_body(request, sink)
    except BaseException:
        await run_in_threadpool(_settle, uploads, info, writer, checksum is None)
        raise
    verified = checksum is None or (whole and checksum.matches(digest))
    info = await run_in_threadpool(_settle, uploads, info, writer, verified)
    if checksum is not None and whole and not verified:
        raise UploadChecksumError(
            f"The bytes do not match Upload-Checksum ({checksum.algorithm}); "
            "nothing of this request was kept: send it again from the same offset."
        )
    return info


def _settle(uploads: TusStore, info: UploadInfo, writer: DataWriter, keep: bool) -> UploadInfo:
    """Keep (durably) or discard what `writer` wrote; returns the upload as it now is."""
    if not keep:
        writer.discard()
    return uploads.finish_append(info, writer)


def _overflow(uploads: TusStore, info: UploadInfo, size: int) -> UploadError:
    if info.length is None or size > uploads.max_bytes:
        return UploadTooLargeError(too_large_message(size, uploads.max_bytes))
    return UploadError(f"This request would go past the declared Upload-Length ({info.length}).")


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
