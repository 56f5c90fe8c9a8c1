"""`create_app(settings)`: the FastAPI service, its lifespan, middleware and routers.

The lifespan builds the job services (`jobs.service.open_services`: migrations, the warm worker
pool, resuming unfinished jobs) in a worker thread and puts each on `app.state`, where the typed
dependencies in `api.deps` find them. Routers are plain `APIRouter`s from `api.routes`; another
area is added by including its router in `ROUTERS` (or `app.include_router` after creation).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from video_transcriber import __version__
from video_transcriber.api.errors import install_error_handlers
from video_transcriber.api.metrics import status_counts
from video_transcriber.api.openapi import install_openapi
from video_transcriber.api.routes import (
    calibration,
    docs,
    events,
    insights,
    jobs,
    live,
    openai_compat,
    performance,
    search,
    segments,
    speakers,
    system,
    uploads,
    web,
)
from video_transcriber.api.routes import metrics as metrics_route
from video_transcriber.api.runtime import build_runner, install_metrics
from video_transcriber.api.security import KeyRing, LinkSigner
from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.calibration.service import CalibrationService
from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus
from video_transcriber.jobs.offered_models import offered_models
from video_transcriber.jobs.service import Services, open_services
from video_transcriber.jobs.tunable import tuned_settings
from video_transcriber.live.scheduler import LiveEngine
from video_transcriber.pipeline.runner import JobRunner
from video_transcriber.store.calibration_store import CalibrationStore
from video_transcriber.store.job_store import JobStore
from video_transcriber.uploads.tus import TUS_VERSION

log = logging.getLogger(__name__)

ROUTERS: list[APIRouter] = [
    system.router,
    jobs.router,
    events.router,
    uploads.router,
    insights.router,
    search.router,
    segments.router,
    speakers.router,
    performance.router,
    calibration.router,
    metrics_route.router,
    openai_compat.router,
    live.router,
]
SWEEP_SECONDS = 600.0
"""How often expired tus uploads are deleted."""
TUS_HEADERS = [
    "Location",
    "Tus-Resumable",
    "Tus-Version",
    "Tus-Extension",
    "Tus-Max-Size",
    "Upload-Offset",
    "Upload-Length",
    "Upload-Defer-Length",
    "Upload-Metadata",
    "Upload-Concat",
    "Upload-Expires",
]


def create_app(settings: Settings, *, runner: JobRunner | None = None) -> FastAPI:
    """The service. `runner` replaces the warm pool + pipeline (tests run without a model)."""
    settings.check_safe_for_environment()
    settings = tuned_settings(settings)  # values saved by POST /api/performance/optimize
    app = FastAPI(
        title="video-transcriber",
        version=__version__,
        summary="Upload lecture videos, get timestamped transcripts.",
        lifespan=_lifespan,
        docs_url=None,  # FastAPI's pages load from a CDN; api.routes.docs serves local copies
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.models = offered_models(settings)
    app.state.runner_override = runner
    app.state.keys = KeyRing(settings.service.api_keys)
    app.state.link_signer = LinkSigner(
        settings.service.secret_key, ttl_seconds=settings.service.link_token_seconds
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(docs.router)
    web.install(app)  # the browser UI at `/` and its static files, after the API
    app.add_middleware(TusMiddleware)
    metrics = install_metrics(app)
    app.state.live = LiveEngine(settings, stats=metrics.live)  # threads start with a stream
    if settings.service.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.service.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[*TUS_HEADERS, "Content-Disposition"],
        )
    install_openapi(app, settings, app.state.models)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings

    def start() -> Services:
        settings.service.data_dir.mkdir(parents=True, exist_ok=True)  # the SQLite file's home
        store = JobStore(settings.resolved_database_url)
        history = MachineHistory(CalibrationStore(store.engine), settings.calibration)
        app.state.calibration = CalibrationService(
            lambda: app.state.settings,
            history,
            running_jobs=lambda: status_counts(store)[JobStatus.RUNNING],
        )
        runner = build_runner(app, settings, app.state.runner_override, history)
        return open_services(settings, runner, store=store)

    services = await run_in_threadpool(start)
    for name in ("store", "bus", "uploads", "layout", "manager", "intake", "insights"):
        setattr(app.state, name, getattr(services, name))
    if settings.live.enabled and settings.live.preload:
        await run_in_threadpool(app.state.live.warm)
    sweeper = asyncio.create_task(_sweep_uploads(app))
    try:
        yield
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        await run_in_threadpool(app.state.live.close)
        await run_in_threadpool(services.close)


async def _sweep_uploads(app: FastAPI) -> None:
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            removed = await run_in_threadpool(app.state.uploads.sweep)
        except OSError:
            log.exception("sweeping expired uploads failed")
            continue
        if removed:
            log.info("deleted %d expired uploads", removed)


class TusMiddleware:
    """tus on `/files`: honour `X-HTTP-Method-Override` and put `Tus-Resumable` on every
    response (errors included), as the protocol asks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/files" or path.startswith("/files/")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        override = headers.get(b"x-http-method-override")
        if override and scope["method"] == "POST":
            scope = {**scope, "method": override.decode("latin-1").strip().upper()}

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = list(message.get("headers", []))
                if not any(name.lower() == b"tus-resumable" for name, _ in existing):
                    existing.append((b"tus-resumable", TUS_VERSION.encode()))
                message = {**message, "headers": existing}
            await send(message)

        await self.app(scope, receive, send_with_version)
