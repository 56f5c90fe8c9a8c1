"""The `upload` command: send files to a running service over tus, resumably; fetch transcripts.

Each file goes up in chunks of the size the server recommends (`GET /api/config`) with the tus
client (tuspy). The upload URL is remembered per server and file fingerprint in a small JSON file
(`~/.cache/video-transcriber/uploads.json` unless `--state` says otherwise), so running the same
command after an interruption asks the server for its offset and sends only the rest. Then a job
is created from the finished upload, its progress is polled, and the transcripts are written to
the output directory. Errors people can act on (server down, refused key, file too large, not
media) become `ClientError` with one sentence each; the command exits 1 on any of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import httpx
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError
from tusclient.fingerprint.interface import Fingerprint
from tusclient.storage.interface import Storage
from tusclient.uploader import Uploader

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_STATE = Path("~/.cache/video-transcriber/uploads.json")
POLL_SECONDS = 0.5
SAMPLE_BYTES = 1024 * 1024
"""The fingerprint hashes this much of the file's start and end, plus its size."""

ByteProgress = Callable[[int, int], None]
"""`(bytes on the server, total bytes)` after each chunk."""
JobProgress = Callable[[dict[str, Any]], None]


class ClientError(Exception):
    """Something the person can fix; `str()` says what happened and what to do."""


@dataclass(frozen=True, slots=True)
class UploadResult:
    upload_url: str
    size: int
    resumed_from: int
    """The offset the server already had when this run started (0 for a fresh upload)."""


class ContentFingerprint(Fingerprint):
    """Size plus SHA-256 of the first and last MiB: the same file matches wherever it moved."""

    def get_fingerprint(self, fs: IO[bytes]) -> str:
        fs.seek(0, os.SEEK_END)
        size = fs.tell()
        digest = hashlib.sha256(str(size).encode())
        fs.seek(0)
        digest.update(fs.read(SAMPLE_BYTES))
        fs.seek(max(0, size - SAMPLE_BYTES))
        digest.update(fs.read(SAMPLE_BYTES))
        return f"{size}:{digest.hexdigest()}"


class UploadState(Storage):
    """Upload URLs by `<server> <fingerprint>`, in a JSON file rewritten atomically."""

    def __init__(self, path: Path, server: str) -> None:
        self.path = path.expanduser()
        self.server = server

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)

    def _key(self, key: str) -> str:
        return f"{self.server} {key}"

    def get_item(self, key: str) -> str | None:
        return self._read().get(self._key(key))

    def set_item(self, key: str, value: str | None) -> None:
        if value is None:  # tuspy stores "no URL known" too; that is just absence
            self.remove_item(key)
            return
        self._write({**self._read(), self._key(key): value})

    def remove_item(self, key: str) -> None:
        data = self._read()
        if data.pop(self._key(key), None) is not None:
            self._write(data)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else None  # always a sentence
    return str(detail or body)


def explain(status: int | None, detail: str, server: str) -> str:
    """One sentence for an HTTP failure, with what to do."""
    if status == 401:
        return (
            f"The server at {server} refused the API key. Pass a valid one with --api-key "
            "(or VT_API_KEY)."
        )
    if status == 413:
        return f"The file is too large for this server: {detail}"
    if status == 422:
        return f"The server cannot use this file: {detail}"
    return f"The server answered {status}: {detail}"


class ServiceClient:
    """The few API calls the upload command makes, with errors turned into `ClientError`."""

    def __init__(self, server: str, api_key: str | None, *, timeout: float = 60.0) -> None:
        self.server = server.rstrip("/")
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=self.server, headers=self.headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ClientError(
                f"Cannot reach the server at {self.server} ({type(exc).__name__}). Is it running? "
                "Start it with `video-transcriber serve`, or pass --server with its address."
            ) from exc
        if response.is_error:
            raise ClientError(explain(response.status_code, _detail(response), self.server))
        return response

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.request("GET", "/api/config").json()
        return config

    def create_job(self, upload_url: str, name: str | None) -> dict[str, Any]:
        upload_id = upload_url.rstrip("/").rsplit("/", 1)[-1]
        body: dict[str, Any] = {"upload_id": upload_id}
        if name:
            body["name"] = name
        job: dict[str, Any] = self.request("POST", "/api/jobs", json=body).json()
        return job

    def wait(self, job_id: str, on_progress: JobProgress | None = None) -> dict[str, Any]:
        """Poll the job until it is final; returns it (completed, failed or cancelled)."""
        while True:
            job: dict[str, Any] = self.request("GET", f"/api/jobs/{job_id}").json()
            if on_progress is not None:
                on_progress(job)
            if job["status"] in ("completed", "failed", "cancelled"):
                return job
            time.sleep(POLL_SECONDS)

    def transcript(self, job_id: str, fmt: str) -> str:
        response = self.request("GET", f"/api/jobs/{job_id}/transcript", params={"format": fmt})
        return response.text


def _uploader(path: Path, service: ServiceClient, state: UploadState, chunk: int) -> Uploader:
    tus = TusClient(f"{service.server}/files/", headers=dict(service.headers))
    return tus.uploader(
        file_path=str(path),
        chunk_size=chunk,
        metadata={"filename": path.name},
        store_url=True,
        url_storage=state,
        fingerprinter=ContentFingerprint(),
    )


def _tus_error(exc: TusCommunicationError, server: str) -> ClientError:
    status = exc.status_code
    if status is None:
        return ClientError(
            f"Cannot reach the server at {server} ({exc}). Is it running? Start it with "
            "`video-transcriber serve`, or pass --server with its address."
        )
    content = exc.response_content
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    try:
        detail = str(json.loads(text).get("detail", text))
    except (ValueError, AttributeError):
        detail = text.strip() or str(exc)
    return ClientError(explain(status, detail, server))


def open_uploader(path: Path, service: ServiceClient, state: UploadState, chunk: int) -> Uploader:
    """A tus uploader for `path`, resuming a remembered upload if the server still has it."""
    try:
        return _uploader(path, service, state, chunk)
    except TusCommunicationError as exc:
        if exc.status_code not in (404, 410):
            raise _tus_error(exc, service.server) from exc
    # The server no longer knows the remembered upload (expired or consumed): start again.
    with path.open("rb") as stream:
        state.remove_item(ContentFingerprint().get_fingerprint(stream))
    try:
        return _uploader(path, service, state, chunk)
    except TusCommunicationError as exc:
        raise _tus_error(exc, service.server) from exc


def upload_file(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    *,
    chunk_size: int,
    on_progress: ByteProgress | None = None,
) -> UploadResult:
    """Send `path` over tus (resuming if possible); returns the finished upload's URL."""
    uploader = open_uploader(path, service, state, chunk_size)
    size = uploader.get_file_size()
    resumed_from = uploader.offset if uploader.url else 0
    try:
        if not uploader.url:
            uploader.set_url(uploader.create_url())
            uploader.offset = 0
        if on_progress is not None:
            on_progress(uploader.offset, size)
        while uploader.offset < size:
            uploader.upload_chunk()
            if on_progress is not None:
                on_progress(uploader.offset, size)
    except TusCommunicationError as exc:
        raise _tus_error(exc, service.server) from exc
    assert uploader.url is not None
    return UploadResult(uploader.url, size, resumed_from)


def forget_upload(path: Path, state: UploadState) -> None:
    """The upload became a job (or was refused): a rerun must upload afresh."""
    with path.open("rb") as stream:
        state.remove_item(ContentFingerprint().get_fingerprint(stream))


def write_transcripts(
    service: ServiceClient, job: dict[str, Any], source: Path, out_dir: Path, formats: list[str]
) -> list[Path]:
    """Download each format to `out_dir/<source stem>.<format>`; each file appears whole."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = out_dir / f"{source.stem}.{fmt}"
        partial = target.with_name(target.name + ".partial")
        partial.write_text(service.transcript(job["id"], fmt), encoding="utf-8")
        os.replace(partial, target)
        written.append(target)
    return written


@dataclass(frozen=True, slots=True)
class UploadOptions:
    server: str = DEFAULT_SERVER
    api_key: str | None = None
    out_dir: Path = Path(".")
    formats: tuple[str, ...] = ("txt", "srt")
    name: str | None = None
    state_file: Path = DEFAULT_STATE


def run_upload(paths: list[Path], options: UploadOptions, console: Console) -> list[str]:
    """Upload, transcribe and download each file; returns one message per failed file."""
    service = ServiceClient(options.server, options.api_key)
    try:
        config = service.config()
        unknown = set(options.formats) - set(config.get("transcript_formats", options.formats))
        if unknown:
            raise ClientError(
                f"This server cannot write {', '.join(sorted(unknown))}; it offers "
                f"{', '.join(config['transcript_formats'])}."
            )
        state = UploadState(options.state_file, service.server)
        failures = []
        for path in paths:
            try:
                _one_file(path, service, state, int(config["chunk_size_bytes"]), options, console)
            except ClientError as exc:
                console.print(f"[red]✗[/] {path}: {exc}")
                failures.append(f"{path}: {exc}")
        return failures
    finally:
        service.close()


def _one_file(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    chunk: int,
    options: UploadOptions,
    console: Console,
) -> None:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TransferSpeedColumn,
    )

    if not path.is_file():
        raise ClientError("No such file; check the path.")
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"uploading {path.name}", total=path.stat().st_size)
        result = upload_file(
            path,
            service,
            state,
            chunk_size=chunk,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if result.resumed_from:
        console.print(
            f"Resumed {path.name} at byte {result.resumed_from:,} of {result.size:,} "
            "(the rest was already on the server)."
        )
    try:
        job = service.create_job(result.upload_url, options.name or None)
    finally:
        forget_upload(path, state)
    with Progress(
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.fields[stage]:<16}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"transcribing {path.name}", total=100, stage="queued")

        def show(job: dict[str, Any]) -> None:
            progress = job["progress"]
            bar.update(task, completed=progress["percent"], stage=progress["stage"])

        job = service.wait(job["id"], show)
    if job["status"] != "completed":
        raise ClientError(f"The job {job['id']} ended {job['status']}: {job.get('error') or ''}")
    written = write_transcripts(service, job, path, options.out_dir, list(options.formats))
    console.print(f"[green]✓[/] {path} → {', '.join(str(p) for p in written)}")
