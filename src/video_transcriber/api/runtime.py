"""What the service runs jobs with: the tunable warm pool, wrapped so metrics see every chunk.

`build_runner` is called by the lifespan (in a worker thread: starting a pool spawns processes).
A test that passes its own runner to `create_app` gets it wrapped for metrics, but has no pool
to retune: `app.state.tunable` is then None and `POST /api/performance/optimize` only persists.
"""

from __future__ import annotations

from fastapi import FastAPI

from video_transcriber.api.metrics import ObservedRunner, ServiceMetrics
from video_transcriber.config import Settings
from video_transcriber.jobs.runner import JobRunner
from video_transcriber.jobs.tunable import TunableRunner


def build_runner(app: FastAPI, settings: Settings, override: JobRunner | None) -> JobRunner:
    """The job runner for this app; sets `app.state.tunable` to the pool that can be retuned."""
    metrics: ServiceMetrics = app.state.metrics
    if override is not None:
        app.state.tunable = None
        return ObservedRunner(override, metrics)
    tunable = TunableRunner(settings)
    app.state.tunable = tunable
    return ObservedRunner(tunable, metrics)


def install_metrics(app: FastAPI) -> ServiceMetrics:
    """Give the app its own registry and count upload bytes."""
    from video_transcriber.api.metrics import UploadBytesMiddleware

    metrics = ServiceMetrics(lambda: getattr(app.state, "store", None))
    app.state.metrics = metrics
    app.state.tunable = None
    app.add_middleware(UploadBytesMiddleware, metrics=metrics)
    return metrics
