"""The one adapter that imports Celery: the app factory and the few Celery hooks we use.

Celery is an optional extra (`pip install 'video-transcriber[celery]'`); `require_celery` is the
single place that notices it is missing and says how to install it. `make_celery_app` builds an
app from the settings with the delivery guarantees chunk work relies on:

- `task_acks_late` + `task_reject_on_worker_lost`: a chunk is acknowledged only after it is
  transcribed, so a worker process that dies mid-chunk puts it back in the queue;
- `worker_prefetch_multiplier = 1`: a worker process holds only the chunk it is working on, so
  a dead worker strands at most that chunk and idle workers are never starved by busy ones;
- the Redis `visibility_timeout` (and a short restore sweep) bounds how long a chunk taken by a
  worker that vanished whole (kill -9, power loss) waits before another worker gets it;
- JSON only, both ways: chunk audio travels as base64 FLAC inside a JSON payload, so no pickle
  from the network is ever loaded.

The broker URL doubles as the result backend: results are small JSON documents that the
executor reads once and deletes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from video_transcriber.config import Settings
from video_transcriber.errors import ConfigurationError

TASK_NAME = "video_transcriber.transcribe_chunk"
"""The chunk task; the executor sends it by name, so the API never imports worker code."""
RESULT_EXPIRES_SECONDS = 24 * 3600
"""Results nobody collected (their job's API process died) are dropped after a day."""

_INSTALL_HINT = (
    "The Celery executor needs the 'celery' extra: pip install 'video-transcriber[celery]' "
    "(or set VT_EXECUTOR=local to use the worker pool on this machine)."
)


def require_celery() -> ModuleType:
    """The `celery` package, or one `ConfigurationError` that says how to install it."""
    try:
        return importlib.import_module("celery")
    except ImportError as exc:
        raise ConfigurationError(_INSTALL_HINT) from exc


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings derived from ours (see the module docstring for why each is set)."""
    options = settings.celery
    return {
        "broker_url": settings.broker_url,
        "result_backend": settings.broker_url,
        "task_default_queue": options.queue,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "result_expires": RESULT_EXPIRES_SECONDS,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_max_tasks_per_child": None,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "visibility_timeout": options.visibility_timeout,
            "unacked_restore_interval": options.restore_interval,
            "unacked_restore_throttle": 1,
        },
    }


def make_celery_app(settings: Settings, *, name: str = "video_transcriber") -> Any:
    """A configured `celery.Celery` app (typed `Any`: Celery ships no type information)."""
    celery = require_celery()
    app = celery.Celery(name, set_as_current=False)
    app.conf.update(celery_config(settings))
    return app


def on_worker_process_init(handler: Callable[[], None]) -> None:
    """Run `handler` in every worker process Celery starts (after the fork), e.g. to warm up."""
    signals = importlib.import_module("celery.signals")

    def _receiver(**_: Any) -> None:
        handler()

    signals.worker_process_init.connect(_receiver, weak=False)


def redis_client(app: Any) -> Any:
    """The result backend's Redis client, for the executor's and workers' bookkeeping keys."""
    backend = app.backend
    client = getattr(backend, "client", None)
    if client is None:
        raise ConfigurationError(
            f"The Celery executor needs a Redis broker and result backend; "
            f"'{type(backend).__name__}' was configured. Set VT_BROKER_URL=redis://host:port/db."
        )
    return client
