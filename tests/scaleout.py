"""Helpers for the scale-out tests: real Redis, real PostgreSQL, real `video-transcriber worker`s.

The servers come from `scripts/test-services.sh start` (CI runs it in `.ci/run`), which exports
`VT_TEST_REDIS_URL` and `VT_TEST_POSTGRES_URL`. Without them the tests skip with the command to
run; on CI (`CI=true`) `tests/conftest.py` turns every skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from testkit.service_processes import WorkerProcess

REPO = Path(__file__).resolve().parents[1]
VISIBILITY_TIMEOUT = 20.0
"""Seconds before a chunk held by a worker killed whole goes to another worker (tests only)."""


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.skip(
            f"{name} is not set: start the test servers with "
            '`eval "$(scripts/test-services.sh start)"` (CI always does)'
        )
    return value


def celery_env(redis_url: str, queue: str) -> dict[str, str]:
    """Environment shared by the API under test and its workers."""
    return {
        "HF_HUB_OFFLINE": "1",
        "VT_EXECUTOR": "celery",
        "VT_BROKER_URL": redis_url,
        "VT_CELERY__QUEUE": queue,
        "VT_CELERY__VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "VT_CELERY__RESTORE_INTERVAL": "1",
        "VT_CELERY__POLL_SECONDS": "0.1",
    }


@dataclass
class WorkerFleet:
    """`video-transcriber worker` subprocesses (one process, one thread each), each in its own
    process group so `kill()` takes down the Celery main process and its pool child together."""

    env: dict[str, str]
    log_dir: Path
    workers: list[WorkerProcess] = field(default_factory=list)

    def ensure(self, count: int) -> list[WorkerProcess]:
        """Start workers until `count` are alive; wait until each says it is ready."""
        self.workers = [worker for worker in self.workers if worker.alive()]
        fresh = [
            WorkerProcess(self.log_dir, self.env, cwd=REPO)
            for _ in range(count - len(self.workers))
        ]
        for worker in fresh:
            worker.start()
        self.workers += fresh
        return self.workers

    def stop(self) -> None:
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.stop()
        self.workers.clear()


def create_database(admin_url: str) -> str:
    """A fresh, empty PostgreSQL database next to `admin_url`'s; returns its URL."""
    name = f"vt_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_tables(url: str) -> None:
    """Remove every row the job store wrote (the schema and Alembic's version stay)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars()
        names = ", ".join(f'"{name}"' for name in tables)
        if names:
            connection.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()
