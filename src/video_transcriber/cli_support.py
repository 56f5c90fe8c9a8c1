"""What the CLI commands need besides argument parsing: settings overrides, output files, the
rich progress display, failure and tuning reports. Kept apart so `cli.py` stays a list of commands.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from video_transcriber.config import ModelSettings, Settings, TuningSettings
from video_transcriber.domain import Progress as JobProgress
from video_transcriber.domain import Stage, Transcript

STAGE_LABELS = {
    Stage.QUEUED: "queued",
    Stage.DECODING: "decoding audio",
    Stage.DETECTING_SPEECH: "finding speech",
    Stage.TRANSCRIBING: "transcribing",
    Stage.FINALIZING: "finishing",
    Stage.DONE: "done",
}


@dataclass(frozen=True, slots=True)
class Overrides:
    """Command-line options that change settings; None leaves the setting as it is."""

    model: str | None = None
    workers: int | None = None
    threads: int | None = None
    chunk_seconds: float | None = None
    beam_size: int | None = None
    language: str | None = None
    word_timestamps: bool = False
    task: str | None = None


def apply_overrides(settings: Settings, overrides: Overrides) -> Settings:
    """`settings` with the given command-line values put in (validated like the environment)."""
    model_update: dict[str, Any] = {}
    if overrides.model:
        model_update["name"] = overrides.model
    if overrides.beam_size is not None:
        model_update["beam_size"] = overrides.beam_size
    if overrides.language:
        model_update["language"] = overrides.language
    if overrides.word_timestamps:
        model_update["word_timestamps"] = True
    if overrides.task:
        model_update["task"] = overrides.task
    tuning_update = {
        key: value
        for key, value in (
            ("workers", overrides.workers),
            ("threads_per_worker", overrides.threads),
            ("chunk_seconds", overrides.chunk_seconds),
        )
        if value is not None
    }
    # Validate through the nested models so CLI values obey the same limits as VT_* variables.
    model = ModelSettings.model_validate({**settings.model.model_dump(), **model_update})
    tuning = TuningSettings.model_validate({**settings.tuning.model_dump(), **tuning_update})
    return settings.model_copy(update={"model": model, "tuning": tuning})


def parse_formats(value: str) -> list[str]:
    """`"txt, SRT"` → `["txt", "srt"]`; unknown names are a usage error."""
    from video_transcriber.formats import FORMATS

    names = [part.strip().lower().removeprefix(".") for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if not names or unknown:
        raise typer.BadParameter(
            f"unknown format(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(FORMATS)}",
            param_hint="--formats",
        )
    return list(dict.fromkeys(names))


def write_outputs(
    transcript: Transcript, source: Path, out_dir: Path, formats: list[str], settings: Settings
) -> list[Path]:
    """Write `out_dir/<source stem>.<format>` for each format; each file appears whole or not.

    Asking for `chapters` builds the study guide (embedding every passage, ~10 % of the
    transcription time), and then json, md and html carry it too; without it they do not, so
    plain transcription costs no embedding.
    """
    from video_transcriber.formats import EXTENSIONS, STUDY_FORMATS, render
    from video_transcriber.insights import analyze

    insights = None
    if STUDY_FORMATS & set(formats):
        insights = analyze(
            transcript.segments,
            keywords=settings.keywords,
            emphasis_phrases=settings.emphasis_phrases_for(transcript.language),
            duration=transcript.duration,
            language=transcript.language,
        )
    if insights is not None and "chapters" in formats and settings.study.enabled:
        insights = dataclasses.replace(insights, study=_study_guide(transcript, settings))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = out_dir / f"{source.stem}{EXTENSIONS[fmt]}"
        partial = target.with_name(target.name + ".partial")
        partial.write_text(
            render(transcript, fmt, insights=insights, title=source.stem), encoding="utf-8"
        )
        os.replace(partial, target)
        written.append(target)
    return written


def _study_guide(transcript: Transcript, settings: Settings) -> dict[str, Any]:
    from video_transcriber.study.embedding import load_embedder
    from video_transcriber.study.guide import build_guide

    guide = build_guide(
        transcript.segments,
        duration=transcript.duration,
        embedder=load_embedder(settings.study.threads),
        settings=settings.study,
        language=transcript.language or "en",
    )
    return guide.to_dict()


class _EtaColumn(ProgressColumn):
    """The pipeline's own ETA (from measured throughput), not rich's guess."""

    def render(self, task: Task) -> Text:
        eta = task.fields.get("eta")
        if eta is None:
            return Text("ETA --:--", style="progress.remaining")
        minutes, seconds = divmod(round(eta), 60)
        return Text(f"ETA {minutes:d}:{seconds:02d}", style="progress.remaining")


def progress_bar(console: Console) -> Progress:
    """One line per file being transcribed: stage, bar over speech transcribed, chunks, ETA."""
    return Progress(
        TextColumn("[bold]{task.fields[name]}"),
        TextColumn("{task.fields[stage]:<15}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[chunks]}"),
        _EtaColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def add_file_task(bar: Progress, name: str) -> TaskID:
    return bar.add_task("", total=100, name=name, stage="starting", chunks="", eta=None)


def progress_hook(bar: Progress, task: TaskID) -> Callable[[JobProgress], None]:
    """Turns the pipeline's progress reports into updates of the file's line."""

    def update(progress: JobProgress) -> None:
        chunks = f"{progress.chunks_done}/{progress.chunks_total} chunks"
        bar.update(
            task,
            completed=progress.percent,
            stage=STAGE_LABELS.get(progress.stage, str(progress.stage)),
            chunks=chunks if progress.chunks_total else "",
            eta=progress.eta_seconds,
        )

    return update


def report_failures(failures: list[tuple[Path, str]], console: Console) -> None:
    console.print(f"\n[bold red]{len(failures)} file(s) could not be transcribed:[/]")
    for path, reason in failures:
        console.print(f"  [red]✗[/] {path}: {reason}")
    console.print(
        "Fix or replace these files (or drop them from the command) and run again; "
        "the other files' transcripts were written."
    )


def tune_report(settings: Settings, media_seconds: float | None) -> dict[str, Any]:
    """System facts, the plan with its reasons, and recommendations, as plain JSON-able data."""
    from video_transcriber.calibration.command import stored_measurements
    from video_transcriber.tuning.facts import read_system_facts
    from video_transcriber.tuning.plan import MediaFacts, plan, recommendations

    facts = read_system_facts()
    media = MediaFacts(media_seconds) if media_seconds is not None else None
    measured = stored_measurements(settings)
    execution = plan(facts, media, settings.tuning, settings.model, measurements=measured)
    advice = recommendations(
        facts, execution, settings.tuning, settings.model, measurements=measured
    )
    return {
        "system": _as_dict(facts),
        "model": {"name": settings.model.name, "compute_type": settings.model.compute_type},
        "media_seconds": media_seconds,
        "plan": execution.to_dict(),
        "recommendations": [{**_as_dict(item), "env_var": item.env_var} for item in advice],
    }


def run_tune_calibration(
    settings: Settings, models: list[str] | None, all_models: bool, console: Console
) -> None:
    """`tune --calibrate`: measure, store, print; a model that cannot load is a clear error."""
    import typer

    from video_transcriber.calibration.command import print_calibration, run_calibration
    from video_transcriber.engine.model import installed_models
    from video_transcriber.errors import VideoTranscriberError

    names = installed_models(settings.model.download_root) if all_models else models
    try:
        results = run_calibration(settings, names, console)
    except VideoTranscriberError as exc:
        console.print(f"[red]Calibration failed: {exc}[/]")
        raise typer.Exit(1) from exc
    print_calibration(results, console)


def _as_dict(item: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict (dataclasses.asdict without deep-copying)."""
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def print_tune(report: dict[str, Any], console: Console) -> None:
    system, execution = report["system"], report["plan"]
    gib = 1024**3
    console.print(
        f"[bold]System[/]: {system['usable_cpus']} usable CPU(s) of {system['logical_cpus']}, "
        f"{system['available_memory_bytes'] / gib:.1f} GiB of "
        f"{system['total_memory_bytes'] / gib:.1f} GiB memory available"
    )
    for note in system["notes"]:
        console.print(f"  · {note}")
    console.print(
        f"[bold]Plan[/]: {execution['workers']} worker(s) x {execution['threads_per_worker']} "
        f"thread(s), chunks of ~{execution['chunk_seconds']:.0f} s, "
        f"batch size {execution['batch_size']}"
    )
    for reason in execution["reasons"]:
        console.print(f"  · {reason}")
    if not report["recommendations"]:
        console.print("[bold]Recommendations[/]: none, the settings suit this machine.")
        return
    table = Table("setting", "now", "recommended", "environment variable", "why")
    for item in report["recommendations"]:
        table.add_row(
            item["setting"],
            str(item["current"]),
            str(item["recommended"]),
            item["env_var"],
            item["reason"],
        )
    console.print(table)
