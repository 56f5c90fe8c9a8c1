"""What the service runs jobs with: the tunable warm pool, wrapped so metrics see every chunk.

`build_runner` is called by the lifespan (in a worker thread: starting a pool spawns processes).
It also sets `app.state.tuning`, the service through which `POST /api/performance/optimize`
changes the tuning; what it saves becomes `app.state.settings`. A test that passes its own
runner to `create_app` gets it wrapped for metrics, but has no pool to retune: the tuning
service then only saves.
"""

from __future__ import annotations

from fastapi import FastAPI

from video_transcriber.api.metrics import ObservedRunner, ServiceMetrics
from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.config import Settings
from video_transcriber.jobs.tunable import TunableRunner
from video_transcriber.jobs.tuning_service import TuningService
from video_transcriber.pipeline.runner import JobRunner


def build_runner(
    app: FastAPI,
    settings: Settings,
    override: JobRunner | None,
    history: MachineHistory | None = None,
) -> JobRunner:
    """The job runner for this app; sets `app.state.tuning` around the pool it can retune.
    `history` (this machine's calibration and chunk timings) plans the pool and feeds the ETA."""
    metrics: ServiceMetrics = app.state.metrics

    def publish(tuned: Settings) -> None:
        app.state.settings = tuned

    if override is not None:
        app.state.tuning = TuningService(settings, None, publish=publish, history=history)
        return ObservedRunner(override, metrics)
    tunable = TunableRunner(settings, history=history)
    app.state.tuning = TuningService(settings, tunable, publish=publish, history=history)
    return ObservedRunner(tunable, metrics)


def install_metrics(app: FastAPI) -> ServiceMetrics:
    """Give the app its own registry and count upload bytes."""
    from video_transcriber.api.metrics import UploadBytesMiddleware

    metrics = ServiceMetrics(lambda: getattr(app.state, "store", None))
    app.state.metrics = metrics
    app.add_middleware(UploadBytesMiddleware, metrics=metrics)
    return metrics
