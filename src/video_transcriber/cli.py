"""The `video-transcriber` command line (typer + rich).

`Settings()` is built once here, at the edge, and command-line options are applied onto it with
`model_copy(update=...)`; everything below receives it as an argument. `transcribe` starts one
warm worker pool for the whole run, so the model is loaded once however many files are given,
and keeps going past a file it cannot use; the exit code tells scripts whether all went well.
Helpers (overrides, output files, progress display, reports) live in `cli_support`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from video_transcriber.cli_support import (
    Overrides,
    add_file_task,
    apply_overrides,
    parse_formats,
    print_tune,
    progress_bar,
    progress_hook,
    report_failures,
    run_tune_calibration,
    tune_report,
    write_outputs,
)
from video_transcriber.config import Settings
from video_transcriber.domain import TranscribeOptions
from video_transcriber.errors import ModelError, VideoTranscriberError, WorkerCrashedError
from video_transcriber.languages.options import check_language_options

app = typer.Typer(help="Turn lecture videos into timestamped transcripts.", no_args_is_help=True)

DEFAULT_FORMATS = "txt,srt"
FORMATS_HELP = "Comma-separated: txt,srt,vtt,json,tsv,md,html,chapters."
"""Help for `--formats` (`transcribe` and `upload`); a test keeps it in step with `formats`."""
EXIT_FAILED_FILES = 1
"""`transcribe` exits with this when any input could not be transcribed."""


@app.callback()
def main() -> None:
    """video-transcriber: transcribe, serve, tune, upload."""


def _first_error(exc: Any) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"


@app.command()
def transcribe(
    inputs: Annotated[list[Path], typer.Argument(help="Video or audio files to transcribe.")],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to write the transcripts.")
    ] = Path("."),
    formats: Annotated[str, typer.Option("--formats", "-f", help=FORMATS_HELP)] = DEFAULT_FORMATS,
    model: Annotated[
        str | None, typer.Option(help="tiny.en (bundled), base (multilingual), a name or a dir.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes.")] = None,
    threads: Annotated[int | None, typer.Option(min=1, help="Threads per worker.")] = None,
    chunk_seconds: Annotated[float | None, typer.Option(help="Target chunk length.")] = None,
    beam_size: Annotated[int | None, typer.Option(min=1, max=16, help="Beam width.")] = None,
    language: Annotated[
        str | None, typer.Option(help="Language code (de) or auto (detect; the default).")
    ] = None,
    task: Annotated[
        str | None, typer.Option(help="transcribe, or translate (English text; needs base).")
    ] = None,
    word_timestamps: Annotated[bool, typer.Option(help="Word timings in JSON output.")] = False,
    keywords: Annotated[
        str | None,
        typer.Option(help='Comma-separated keywords for json/md/html insights: "entropy,exam".'),
    ] = None,
    speakers: Annotated[
        str | None,
        typer.Option(help="Who spoke when: auto (find the number), N (1-20) or off."),
    ] = None,
) -> None:
    """Transcribe each INPUT to OUTPUT_DIR/<name>.<format>, with one warm model for all files."""
    from pydantic import ValidationError

    console = Console(stderr=True)
    fmts = parse_formats(formats)
    overrides = Overrides(
        model, workers, threads, chunk_seconds, beam_size, language, word_timestamps, task
    )
    try:
        settings = apply_overrides(Settings(), overrides)
        check_language_options(settings.model.name, settings.model.language, settings.model.task)
    except ValidationError as exc:
        raise typer.BadParameter(_first_error(exc)) from exc
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    from video_transcriber.speakers.assign import parse_request

    try:
        parse_request(speakers)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--speakers") from exc
    options = TranscribeOptions(speakers=speakers)
    if keywords is not None:  # replaces VT_KEYWORDS for this run
        listed = [keyword.strip() for keyword in keywords.split(",") if keyword.strip()]
        settings = settings.model_copy(update={"keywords": listed})
    failures = _transcribe_all(inputs, output_dir, fmts, settings, console, options)
    if failures:
        report_failures(failures, console)
        raise typer.Exit(EXIT_FAILED_FILES)


def _transcribe_all(
    inputs: list[Path],
    out_dir: Path,
    formats: list[str],
    settings: Settings,
    console: Console,
    options: TranscribeOptions,
) -> list[tuple[Path, str]]:
    from video_transcriber.calibration.command import stored_measurements
    from video_transcriber.executors.local_pool import WarmPool
    from video_transcriber.tuning.facts import read_system_facts
    from video_transcriber.tuning.plan import plan

    measured = stored_measurements(settings)  # this machine's calibration, if it has one
    pool_plan = plan(
        read_system_facts(), None, settings.tuning, settings.model, measurements=measured
    )
    console.print(
        f"Using {pool_plan.workers} worker(s) x {pool_plan.threads_per_worker} thread(s), "
        f"model {settings.model.name}."
    )
    failures: list[tuple[Path, str]] = []
    with WarmPool(settings, pool_plan) as pool, progress_bar(console) as bar:
        for index, path in enumerate(inputs):
            try:
                written = _transcribe_one(path, out_dir, formats, settings, pool, bar, options)
            except (ModelError, WorkerCrashedError) as exc:  # every later file would fail too
                failures.append((path, str(exc)))
                failures += [(rest, "not transcribed: see above") for rest in inputs[index + 1 :]]
                break
            except VideoTranscriberError as exc:
                failures.append((path, str(exc)))
                continue
            except OSError as exc:  # e.g. the output directory is not writable
                failures.append((path, f"{exc.strerror or exc}: {exc.filename or path}"))
                continue
            bar.console.print(f"[green]✓[/] {path} → {', '.join(str(p) for p in written)}")
    return failures


def _transcribe_one(
    path: Path,
    out_dir: Path,
    formats: list[str],
    settings: Settings,
    pool: Any,
    bar: Progress,
    options: TranscribeOptions,
) -> list[Path]:
    from video_transcriber.pipeline.transcription import transcribe_media

    task = add_file_task(bar, path.name)
    try:
        with tempfile.TemporaryDirectory(prefix="vt-") as work_dir:
            transcript = transcribe_media(
                path,
                settings=settings,
                options=options,
                executor=pool,
                work_dir=Path(work_dir),
                on_progress=progress_hook(bar, task),
            )
        return write_outputs(transcript, path, out_dir, formats, settings)
    finally:
        bar.remove_task(task)


@app.command()
def tune(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    media: Annotated[
        Path | None, typer.Option(help="Plan chunking for this media file's length.")
    ] = None,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate",
            help="First measure this machine with the real model (about a minute) and keep "
            "the figures in the job store; the plan then uses them.",
        ),
    ] = False,
    models: Annotated[
        list[str] | None,
        typer.Option("--model", help="Model to calibrate (repeatable; default: the configured)."),
    ] = None,
    all_models: Annotated[
        bool, typer.Option("--all-models", help="Calibrate every model installed here.")
    ] = False,
    sample: Annotated[
        Path | None,
        typer.Option(
            "--sample",
            help="Recording with speech to calibrate on (default: --media, else the newest "
            "job media in the data directory).",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the job store is (default ./data).")
    ] = None,
) -> None:
    """Show what this machine offers, the execution plan, why, and settings worth changing."""
    from video_transcriber.media.probe import probe

    settings = Settings()
    if data_dir is not None:
        service = settings.service.model_copy(update={"data_dir": data_dir})
        settings = settings.model_copy(update={"service": service})
    if calibrate:
        if sample or media:
            chosen = settings.calibration.model_copy(update={"sample": sample or media})
            settings = settings.model_copy(update={"calibration": chosen})
        run_tune_calibration(settings, models, all_models, Console(stderr=as_json))
    media_seconds = None
    if media is not None:
        try:
            media_seconds = probe(media).duration
        except VideoTranscriberError as exc:
            Console(stderr=True).print(f"[red]{media}: {exc}[/]")
            raise typer.Exit(EXIT_FAILED_FILES) from exc
    report = tune_report(settings, media_seconds)
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    print_tune(report, Console())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port.")] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Uploads, jobs and the database.")
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run the HTTP service (API, tus uploads, job runner) with the bundled model and SQLite."""
    from pydantic import ValidationError

    from video_transcriber.api.server import serve as run_server
    from video_transcriber.api.server import with_service_overrides

    try:
        settings = with_service_overrides(Settings(), host=host, port=port, data_dir=data_dir)
    except ValidationError as exc:
        raise typer.BadParameter(_first_error(exc)) from exc
    try:
        run_server(settings, log_level=log_level)
    except VideoTranscriberError as exc:  # e.g. a default secret in production
        Console(stderr=True).print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


@app.command()
def worker(
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: this machine's plan).")
    ] = None,
    threads: Annotated[
        int | None, typer.Option(min=1, help="CTranslate2 threads per process (default: plan).")
    ] = None,
    hostname: Annotated[
        str | None, typer.Option(help="Celery node name, e.g. gpu1@%h (default: celery@host).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run a Celery chunk worker for VT_EXECUTOR=celery services (needs VT_BROKER_URL)."""
    from video_transcriber.executors.celery_worker import run_worker, worker_plan

    settings = Settings()
    try:
        processes, per_process = worker_plan(settings, workers, threads)
        console = Console(stderr=True)
        console.print(
            f"Chunk worker: {processes} process(es) x {per_process} thread(s), model "
            f"{settings.model.name}, queue {settings.celery.queue}, broker {settings.broker_url}."
        )
        run_worker(
            settings, workers=processes, threads=per_process, hostname=hostname, loglevel=log_level
        )
    except VideoTranscriberError as exc:  # e.g. the celery extra is missing
        Console(stderr=True).print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


@app.command()
def upload(
    files: Annotated[list[Path], typer.Argument(help="Video or audio files to send.")],
    server: Annotated[
        str, typer.Option(envvar="VT_SERVER", help="The service's address.")
    ] = "http://127.0.0.1:8000",
    api_key: Annotated[
        str | None, typer.Option(envvar="VT_API_KEY", help="API key, if the server needs one.")
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to write the transcripts.")
    ] = Path("."),
    formats: Annotated[str, typer.Option("--formats", "-f", help=FORMATS_HELP)] = DEFAULT_FORMATS,
    name: Annotated[str | None, typer.Option(help="Job name (default: the file name).")] = None,
    state: Annotated[
        Path, typer.Option(help="Where unfinished uploads are remembered, for resuming.")
    ] = Path("~/.cache/video-transcriber/uploads.json"),
    parallel: Annotated[
        int,
        typer.Option(
            min=1,
            max=16,
            help="Send each file as N partial uploads at once, joined on the server (tus "
            "concatenation); 1 sends one stream.",
        ),
    ] = 1,
) -> None:
    """Upload FILES to a running service (resumable tus), wait, and download the transcripts."""
    from video_transcriber.client import ClientError, UploadOptions, run_upload

    console = Console(stderr=True)
    options = UploadOptions(
        server, api_key, output_dir, tuple(parse_formats(formats)), name, state, parallel
    )
    try:
        failures = run_upload(files, options, console)
    except ClientError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_FAILED_FILES) from exc
    except KeyboardInterrupt:
        console.print("Interrupted. Run the same command again to resume the upload.")
        raise typer.Exit(130) from None
    if failures:
        raise typer.Exit(EXIT_FAILED_FILES)


@app.command()
def live(
    source: Annotated[
        str,
        typer.Argument(
            help="Audio or video file to stream, or '-' for raw 16 kHz mono int16 LE PCM on stdin."
        ),
    ] = "-",
    server: Annotated[
        str, typer.Option(envvar="VT_SERVER", help="The service's address.")
    ] = "http://127.0.0.1:8000",
    api_key: Annotated[
        str | None, typer.Option(envvar="VT_API_KEY", help="API key, if the server needs one.")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language code, e.g. en.")] = None,
    model: Annotated[str | None, typer.Option(help="Model (default: the server's).")] = None,
    name: Annotated[str | None, typer.Option(help="Name of the session made after.")] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Send a file as fast as it goes, not in real time.")
    ] = False,
) -> None:
    """Stream SOURCE to a running service and print live captions as they come."""
    import sys

    from video_transcriber.client.live import LiveOptions, file_frames, run_live, stdin_frames
    from video_transcriber.client.service import ClientError

    console = Console(stderr=True)
    # stdin PCM comes at its source's pace (a microphone pipe): only a file is paced here
    options = LiveOptions(server, api_key, language, model, name, fast or source == "-")
    if source != "-" and not Path(source).is_file():
        console.print(f"[red]{source} does not exist; give an audio or video file, or '-'.[/]")
        raise typer.Exit(2)
    frames = stdin_frames() if source == "-" else file_frames(Path(source))
    try:
        job_id = run_live(frames, options, sys.stdout)
    except (ClientError, VideoTranscriberError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_FAILED_FILES) from exc
    except KeyboardInterrupt:
        console.print("Interrupted; the stream was dropped.")
        raise typer.Exit(130) from None
    if job_id:
        console.print(f"Session: {server.rstrip('/')}/sessions/{job_id}")
