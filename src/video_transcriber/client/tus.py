"""One file up over tus in one stream with tuspy, resuming a remembered upload.

The upload URL is remembered per server and file fingerprint (`resume.UploadState`), so running
the same command after an interruption asks the server for its offset (HEAD) and sends only the
rest.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError
from tusclient.uploader import Uploader

from video_transcriber.client.region import FileRegion
from video_transcriber.client.resume import ContentFingerprint, UploadState, file_fingerprint
from video_transcriber.client.service import ClientError, ServiceClient, explain, unreachable

ByteProgress = Callable[[int, int], None]
"""`(bytes on the server, total bytes)` after each chunk."""


@dataclass(frozen=True, slots=True)
class UploadResult:
    upload_url: str
    size: int
    resumed_from: int
    """The offset the server already had when this run started (0 for a fresh upload)."""


def tus_error(exc: TusCommunicationError, server: str) -> ClientError:
    """`ClientError` for a failed tuspy request, with the server's own message."""
    status = exc.status_code
    if status is None:
        return unreachable(server, str(exc))
    content = exc.response_content
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    try:
        detail = str(json.loads(text).get("detail", text))
    except (ValueError, AttributeError):
        detail = text.strip() or str(exc)
    return ClientError(explain(status, detail, server))


def tus_client(service: ServiceClient) -> TusClient:
    """A tuspy client for the service's `/files/`, sending its headers (the API key)."""
    return TusClient(f"{service.server}/files/", headers=dict(service.headers))


def open_resumable(
    build: Callable[[], Uploader], key: Callable[[], str], state: UploadState, server: str
) -> Uploader:
    """`build()` a tuspy uploader, which resumes the upload remembered in `state` under `key()`
    if there is one. If the server no longer knows it (404/410: expired or consumed), forget it
    and build one that starts again; any other failure is a `ClientError`."""
    try:
        return build()
    except TusCommunicationError as exc:
        if exc.status_code not in (404, 410):
            raise tus_error(exc, server) from exc
    state.remove_item(key())
    try:
        return build()
    except TusCommunicationError as exc:
        raise tus_error(exc, server) from exc


def _uploader(
    path: Path, stream: FileRegion, service: ServiceClient, state: UploadState, chunk: int
) -> Uploader:
    return tus_client(service).uploader(
        file_stream=stream,
        chunk_size=chunk,
        metadata={"filename": path.name},
        store_url=True,
        url_storage=state,
        fingerprinter=ContentFingerprint(),
    )


def open_uploader(
    path: Path, stream: FileRegion, service: ServiceClient, state: UploadState, chunk: int
) -> Uploader:
    """A tus uploader reading `stream` (of `path`), resuming a remembered upload if the server
    still has it."""
    return open_resumable(
        lambda: _uploader(path, stream, service, state, chunk),
        lambda: file_fingerprint(path),
        state,
        service.server,
    )


def send_chunks(uploader: Uploader, on_chunk: Callable[[int], None] | None = None) -> None:
    """Create the upload if it has no URL yet, then PATCH chunk after chunk until it is whole."""
    if not uploader.url:
        uploader.set_url(uploader.create_url())
        uploader.offset = 0
    size = uploader.get_file_size()
    if on_chunk is not None:
        on_chunk(uploader.offset)
    while uploader.offset < size:
        uploader.upload_chunk()
        if on_chunk is not None:
            on_chunk(uploader.offset)


def upload_file(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    *,
    chunk_size: int,
    on_progress: ByteProgress | None = None,
) -> UploadResult:
    """Send `path` over tus (resuming if possible); returns the finished upload's URL."""
    with contextlib.closing(FileRegion(path)) as stream:
        uploader = open_uploader(path, stream, service, state, chunk_size)
        size = uploader.get_file_size()
        resumed_from = uploader.offset if uploader.url else 0
        report = None if on_progress is None else (lambda offset: on_progress(offset, size))
        try:
            send_chunks(uploader, report)
        except TusCommunicationError as exc:
            raise tus_error(exc, service.server) from exc
    assert uploader.url is not None
    return UploadResult(uploader.url, size, resumed_from)


def forget_upload(file_key: str, state: UploadState) -> None:
    """The upload of the file whose fingerprint is `file_key` became a job (or was refused): a
    rerun must upload afresh."""
    state.remove_item(file_key)
