"""Wiring of the job service: store, event bus, uploads, runner (the warm pool) and manager.

`open_services` builds it all from the settings in the right order (migrate the database, start
the worker pool, resume unfinished jobs); `Services.close` takes it down in reverse. The API's
lifespan calls both, and a test can pass its own `JobRunner` to run without a model.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from video_transcriber.config import Settings
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.events import EventBus
from video_transcriber.jobs.intake import JobIntake
from video_transcriber.jobs.job_insights import JobInsights
from video_transcriber.jobs.manager import JobManager
from video_transcriber.pipeline.runner import JobRunner
from video_transcriber.store.job_store import JobStore
from video_transcriber.uploads.tus import TusStore

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    settings: Settings
    layout: DataLayout
    store: JobStore
    bus: EventBus
    uploads: TusStore
    runner: JobRunner
    manager: JobManager
    intake: JobIntake
    insights: JobInsights

    def close(self) -> None:
        self.manager.shutdown()
        self.runner.close()
        self.store.close()


def open_services(
    settings: Settings, runner: JobRunner, *, store: JobStore | None = None
) -> Services:
    """Everything the service needs, started; unfinished jobs are resumed. `store` is the job
    store when the caller opened it first (the runner's history needs it before the pool)."""
    layout = DataLayout.create(Path(settings.service.data_dir))
    clear_incoming(layout.incoming)
    store = store or JobStore(settings.resolved_database_url)
    bus = EventBus()
    uploads = TusStore(
        layout.uploads,
        max_bytes=settings.service.max_upload_bytes,
        expiry_seconds=settings.service.upload_expiry_hours * 3600,
    )
    insights = JobInsights(store, settings)
    manager = JobManager(
        store=store,
        bus=bus,
        layout=layout,
        runner=runner,
        max_running_jobs=settings.service.max_running_jobs,
        on_transcript=insights.transcript_ready,
    )
    intake = JobIntake(
        store=store, manager=manager, layout=layout, uploads=uploads, keywords=insights.keywords
    )
    services = Services(settings, layout, store, bus, uploads, runner, manager, intake, insights)
    insights.backfill()
    uploads.sweep()
    manager.start()
    return services


def clear_incoming(directory: Path) -> None:
    """Multipart uploads cut off by a crash leave partial files; nobody can resume them."""
    for leftover in directory.glob("*.part"):
        leftover.unlink(missing_ok=True)
