"""Run the service under uvicorn: the `serve` command's body.

One uvicorn process (no `--workers`): the job manager, the warm pool and the tus upload locks live
in it. Scale-out is the Celery executor's business, not more API processes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings, model_cache_in


def with_service_overrides(
    settings: Settings, *, host: str | None, port: int | None, data_dir: Path | None
) -> Settings:
    """`settings` with the command-line host, port and data directory, validated."""
    update = {
        key: value
        for key, value in (("host", host), ("port", port), ("data_dir", data_dir))
        if value is not None
    }
    service = ServiceSettings.model_validate({**settings.service.model_dump(), **update})
    model = settings.model
    if model.cache_dir == model_cache_in(settings.service.data_dir):  # derived: follow it
        model = model.model_copy(update={"cache_dir": model_cache_in(service.data_dir)})
    return settings.model_copy(update={"service": service, "model": model})


def serve(settings: Settings, *, log_level: str = "info") -> None:
    """Start the service and block until it is stopped (Ctrl-C or SIGTERM)."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.service.host,
        port=settings.service.port,
        log_level=log_level,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )
