"""One file up as several partial tus uploads at once, joined by the `concatenation` extension.

The file is cut into N contiguous parts. Each is an ordinary tus upload created with
`Upload-Concat: partial` (tuspy, one thread each, resumable on its own), and once all are complete
one `POST /files/` with `Upload-Concat: final;<part URLs>` declares the whole file. Each part's
creation also says where its bytes belong, `Upload-Concat-Layout: <token> <start> <total>`: this
service then writes the part straight into its place in the final file, so the concatenation is
a rename rather than a second copy of every byte. A tus server that does not know the header
ignores it, and the upload is still correct, only slower to concatenate.

Part URLs are remembered like a single upload's, under the file's fingerprint plus `part i/N`, so
rerunning with the same `--parallel` resumes every part where it stopped.
"""

from __future__ import annotations

import queue
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import urljoin

from tusclient.exceptions import TusCommunicationError
from tusclient.fingerprint.interface import Fingerprint
from tusclient.uploader import Uploader

from video_transcriber.client.region import FileRegion
from video_transcriber.client.resume import UploadState, file_fingerprint
from video_transcriber.client.service import ServiceClient
from video_transcriber.client.tus import (
    ByteProgress,
    UploadResult,
    open_resumable,
    send_chunks,
    tus_client,
    tus_error,
)
from video_transcriber.uploads.metadata import encode_metadata
from video_transcriber.uploads.protocol import TUS_VERSION

MIN_PART_BYTES = 64 * 1024
"""Parts are never smaller than this; a smaller file goes up in fewer parts."""
POLL_SECONDS = 0.2


@dataclass(frozen=True, slots=True)
class Part:
    index: int
    start: int
    end: int


def plan_parts(size: int, count: int) -> list[Part]:
    """`count` contiguous parts of nearly equal size (fewer for a small file)."""
    count = max(1, min(count, size // MIN_PART_BYTES))
    bounds = [size * i // count for i in range(count + 1)]
    return [Part(i, bounds[i], bounds[i + 1]) for i in range(count)]


class PartFingerprint(Fingerprint):
    """The whole file's fingerprint plus the part's place: `<file> part 2/4`."""

    def __init__(self, file_key: str, part: Part, count: int) -> None:
        self.key = f"{file_key} part {part.index + 1}/{count}"

    def get_fingerprint(self, fs: IO[bytes]) -> str:
        return self.key


class PartUploader(Uploader):
    """A tuspy uploader whose creation request marks the upload partial, with its layout."""

    def __init__(self, *args: Any, creation_headers: dict[str, str], **kwargs: Any) -> None:
        self.creation_headers = creation_headers
        super().__init__(*args, **kwargs)

    def get_url_creation_headers(self) -> dict[str, str]:
        return {**super().get_url_creation_headers(), **self.creation_headers}


@dataclass(frozen=True, slots=True)
class _Plan:
    path: Path
    size: int
    token: str
    file_key: str
    count: int
    chunk: int


def _part_uploader(
    plan: _Plan, part: Part, service: ServiceClient, state: UploadState
) -> PartUploader:
    layout = f"{plan.token} {part.start} {plan.size}"
    return PartUploader(
        file_stream=FileRegion(plan.path, part.start, part.end),
        client=tus_client(service),
        chunk_size=plan.chunk,
        store_url=True,
        url_storage=state,
        fingerprinter=PartFingerprint(plan.file_key, part, plan.count),
        creation_headers={"Upload-Concat": "partial", "Upload-Concat-Layout": layout},
    )


def open_part(plan: _Plan, part: Part, service: ServiceClient, state: UploadState) -> Uploader:
    """The part's uploader, resuming its remembered upload if the server still has it."""
    return open_resumable(
        lambda: _part_uploader(plan, part, service, state),
        lambda: PartFingerprint(plan.file_key, part, plan.count).key,
        state,
        service.server,
    )


class _Stopped(Exception):
    """Another part failed or the person interrupted: stop after the chunk in flight."""


class _Parts:
    """The parts' uploaders running in threads; progress comes back through a queue."""

    def __init__(self, uploaders: list[Uploader]) -> None:
        self.uploaders = uploaders
        self.offsets = [uploader.offset if uploader.url else 0 for uploader in uploaders]
        self._events: queue.Queue[tuple[int, int]] = queue.Queue()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(len(uploaders), thread_name_prefix="tus-part")

    def _send(self, index: int) -> None:
        def report(offset: int) -> None:
            self._events.put((index, offset))
            if self._stop.is_set():
                raise _Stopped

        try:
            send_chunks(self.uploaders[index], report)
        except BaseException:
            self._stop.set()  # the other parts stop after their chunk in flight
            raise

    def run(self, size: int, on_progress: ByteProgress | None) -> None:
        futures = [self._pool.submit(self._send, i) for i in range(len(self.uploaders))]
        while not all(future.done() for future in futures):
            try:
                index, offset = self._events.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            self.offsets[index] = offset
            if on_progress is not None:
                on_progress(sum(self.offsets), size)
        errors = [error for future in futures if (error := future.exception()) is not None]
        if errors:  # the failure itself, rather than a part it stopped
            raise next((e for e in errors if not isinstance(e, _Stopped)), errors[0])

    def __enter__(self) -> _Parts:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)
        _close_streams(self.uploaders)


def _close_streams(uploaders: list[Uploader]) -> None:
    for uploader in uploaders:
        if uploader.file_stream is not None:
            uploader.file_stream.close()


def concatenate(service: ServiceClient, part_urls: list[str], filename: str) -> str:
    """Declare the final upload made of the finished parts, in order; returns its URL."""
    response = service.request(
        "POST",
        "/files/",
        headers={
            "Tus-Resumable": TUS_VERSION,
            "Upload-Concat": "final;" + " ".join(part_urls),
            "Upload-Metadata": encode_metadata({"filename": filename}),
        },
    )
    return urljoin(f"{service.server}/files/", response.headers["location"])


def _plan(path: Path, count: int, chunk: int) -> tuple[_Plan, list[Part]]:
    size = path.stat().st_size
    parts = plan_parts(size, count)
    plan = _Plan(path, size, uuid.uuid4().hex, file_fingerprint(path), len(parts), chunk)
    return plan, parts


@dataclass(frozen=True, slots=True)
class SentParts:
    urls: list[str]
    size: int
    resumed_from: int


def send_parts(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    *,
    parallel: int,
    chunk_size: int,
    on_progress: ByteProgress | None = None,
) -> SentParts:
    """Send `path` as `parallel` partial uploads at once (resuming remembered ones)."""
    plan, parts = _plan(path, parallel, chunk_size)
    uploaders: list[Uploader] = []
    try:
        for part in parts:
            uploaders.append(open_part(plan, part, service, state))
    except BaseException:
        _close_streams(uploaders)
        raise
    with _Parts(uploaders) as running:
        resumed_from = sum(running.offsets)
        try:
            running.run(plan.size, on_progress)
        except TusCommunicationError as exc:
            raise tus_error(exc, service.server) from exc
    return SentParts([str(uploader.url) for uploader in uploaders], plan.size, resumed_from)


def upload_parallel(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    *,
    parallel: int,
    chunk_size: int,
    on_progress: ByteProgress | None = None,
) -> UploadResult:
    """Send `path` as `parallel` partial uploads at once, then concatenate them."""
    sent = send_parts(
        path, service, state, parallel=parallel, chunk_size=chunk_size, on_progress=on_progress
    )
    final = concatenate(service, sent.urls, path.name)
    return UploadResult(final, sent.size, sent.resumed_from)


def forget_parts(file_key: str, size: int, state: UploadState, parallel: int) -> None:
    """The parts of the file whose fingerprint is `file_key` (`size` bytes) became a job (or were
    refused): a rerun must upload afresh."""
    parts = plan_parts(size, parallel)
    for part in parts:
        state.remove_item(PartFingerprint(file_key, part, len(parts)).key)
