"""`video-transcriber tune --calibrate` and the CLI's look-up of this machine's calibration.

The CLI keeps calibrations where the service does, in the job store of the data directory
(`Settings.resolved_database_url`), so a calibration made from the command line plans the
service's pool and the other way round. `stored_measurements` never creates a database just to
find nothing in it: with SQLite and no file yet, there is no calibration, and the store's
libraries (SQLAlchemy, Alembic: ~29 MB of the CLI process) are not even imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from video_transcriber.calibration.fingerprint import read_fingerprint
from video_transcriber.calibration.runner import CalibrationStep, calibrate
from video_transcriber.config import Settings
from video_transcriber.tuning.measured import Measurements

if TYPE_CHECKING:
    from video_transcriber.store.calibration_store import CalibrationStore
    from video_transcriber.store.job_store import JobStore


def _stores(settings: Settings) -> tuple[JobStore, CalibrationStore]:
    """The job store of the data directory (the caller closes it) and its calibrations."""
    from video_transcriber.store.calibration_store import CalibrationStore
    from video_transcriber.store.job_store import JobStore

    store = JobStore(settings.resolved_database_url)
    return store, CalibrationStore(store.engine)


def _database_exists(settings: Settings) -> bool:
    url = settings.resolved_database_url
    if not url.startswith("sqlite:///"):
        return True
    return Path(url.removeprefix("sqlite:///")).is_file()


def stored_measurements(settings: Settings) -> Measurements | None:
    """This machine's newest calibration of the configured model, if the store has one."""
    if not _database_exists(settings):
        return None
    store, calibrations = _stores(settings)
    try:
        key = read_fingerprint().key
        model = settings.model
        return calibrations.latest(key, model.name, model.compute_type)
    finally:
        store.close()


def run_calibration(
    settings: Settings, models: Sequence[str] | None, console: Console
) -> list[Measurements]:
    """Calibrate with a progress bar, save the results in the job store, return them."""
    Path(settings.service.data_dir).mkdir(parents=True, exist_ok=True)
    columns = (
        TextColumn("[bold]calibrating[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("starting", total=None)

        def show(step: CalibrationStep) -> None:
            bar.update(task, completed=step.done, total=step.total, description=step.message)

        results = calibrate(settings, models=models, on_progress=show)
    store, calibrations = _stores(settings)
    try:
        for measurements in results:
            calibrations.save(measurements)
    finally:
        store.close()
    return results


def print_calibration(results: Sequence[Measurements], console: Console) -> None:
    for measured in results:
        fastest = measured.fastest()
        console.print(f"[bold]{measured.model}[/] on {read_fingerprint().summary()}:")
        for shape in sorted(measured.shapes, key=lambda s: -s.throughput):
            mark = " (fastest)" if shape is fastest else ""
            console.print(
                f"  · {shape.workers}x{shape.threads} batch {shape.batch_size}: "
                f"{shape.throughput:.1f} s of media per second, start-up "
                f"{shape.startup_seconds:.1f} s, worker peak "
                f"{shape.peak_worker_rss_bytes / 1024**2:.0f} MB{mark}"
            )
