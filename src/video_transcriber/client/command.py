"""The `upload` command's work: for each file, upload (one stream or `--parallel` parts), create a
job from the finished upload, poll its progress, and write the transcripts to the output
directory. A `ClientError` on one file is reported and the next file goes on."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from video_transcriber.client.parallel import forget_parts, upload_parallel
from video_transcriber.client.resume import UploadState, file_fingerprint
from video_transcriber.client.service import ClientError, ServiceClient
from video_transcriber.client.tus import ByteProgress, UploadResult, forget_upload, upload_file

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_STATE = Path("~/.cache/video-transcriber/uploads.json")


@dataclass(frozen=True, slots=True)
class UploadOptions:
    server: str = DEFAULT_SERVER
    api_key: str | None = None
    out_dir: Path = Path(".")
    formats: tuple[str, ...] = ("txt", "srt")
    name: str | None = None
    state_file: Path = DEFAULT_STATE
    parallel: int = 1
    """Partial uploads sent at once and then concatenated (1: one plain upload)."""


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


def send(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    options: UploadOptions,
    *,
    chunk: int,
    on_progress: ByteProgress,
) -> UploadResult:
    """Upload `path` in one stream or as `options.parallel` concatenated parts."""
    if options.parallel > 1:
        return upload_parallel(
            path,
            service,
            state,
            parallel=options.parallel,
            chunk_size=chunk,
            on_progress=on_progress,
        )
    return upload_file(path, service, state, chunk_size=chunk, on_progress=on_progress)


def _one_file(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    chunk: int,
    options: UploadOptions,
    console: Console,
) -> None:
    if not path.is_file():
        raise ClientError("No such file; check the path.")
    result = _upload_with_bar(path, service, state, chunk, options, console)
    if result.resumed_from:
        console.print(
            f"Resumed {path.name} at byte {result.resumed_from:,} of {result.size:,} "
            "(the rest was already on the server)."
        )
    try:
        job = service.create_job(result.upload_url, options.name or None)
    finally:
        file_key = file_fingerprint(path)
        forget_upload(file_key, state)
        forget_parts(file_key, path.stat().st_size, state, options.parallel)
    job = _wait_with_bar(service, job, path, console)
    if job["status"] != "completed":
        raise ClientError(f"The job {job['id']} ended {job['status']}: {job.get('error') or ''}")
    written = write_transcripts(service, job, path, options.out_dir, list(options.formats))
    console.print(f"[green]✓[/] {path} → {', '.join(str(p) for p in written)}")


def _upload_with_bar(
    path: Path,
    service: ServiceClient,
    state: UploadState,
    chunk: int,
    options: UploadOptions,
    console: Console,
) -> UploadResult:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"uploading {path.name}", total=path.stat().st_size)
        return send(
            path,
            service,
            state,
            options,
            chunk=chunk,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _wait_with_bar(
    service: ServiceClient, job: dict[str, Any], path: Path, console: Console
) -> dict[str, Any]:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

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

        return service.wait(job["id"], show)
