"""Service fixtures: an in-process app with a fake runner, and a real server in a subprocess.

`client` / `make_client` build `create_app(settings, runner=FakeRunner())` under TestClient (the
lifespan runs, so the store, manager and uploads are real; only the model is faked).
`live_server` starts `video-transcriber serve` on a free port with a temporary data directory and
waits for /healthz; it can be killed with SIGKILL and restarted on the same data directory;
`tus_bytes_received` reads from its metrics how many tus bytes it took in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from testkit.service_processes import ServerProcess
from tests.fakes import FakeRunner
from tests.media_files import write_wav
from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings

REPO = Path(__file__).resolve().parents[2]


def make_settings(data_dir: Path, database_url: str | None = None, **service: Any) -> Settings:
    """`database_url` None: SQLite in `data_dir`."""
    return Settings(
        service=ServiceSettings(data_dir=data_dir, **service), database_url=database_url
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def make_client(data_dir: Path, database_url: str | None) -> Iterator[Callable[..., TestClient]]:
    """`make_client(runner=None, **service_settings)`; every client is closed after the test."""
    clients: list[TestClient] = []

    def build(runner: FakeRunner | None = None, **service: Any) -> TestClient:
        settings = make_settings(data_dir, database_url, **service)
        app = create_app(settings, runner=runner or FakeRunner())
        test_client = TestClient(app)
        test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield build
    for test_client in reversed(clients):
        test_client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "tone.wav", seconds=3.0)


def wait_for_status(
    http: TestClient | httpx.Client,
    job_id: str,
    statuses: set[str],
    *,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = http.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["status"] in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job stuck in {job['status']}: {job}")
        time.sleep(0.05)


# -- a real server in a subprocess ---------------------------------------------------------------


class LiveServer(ServerProcess):
    """A real server run from the repository, with an httpx client on its URL."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        super().__init__(data_dir, env, cwd=REPO)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)


def tus_bytes_received(server: LiveServer) -> float:
    """The bytes the server's tus endpoint has taken in, from its /metrics."""
    text = httpx.get(f"{server.url}/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "video_transcriber_upload_bytes_total" and sample.labels == {
                "kind": "tus"
            }:
                return sample.value
    return 0.0


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """`live_server(**env)` starts a server; `.kill()` then `.start()` restarts on the same data."""
    servers: list[LiveServer] = []

    def start(data_dir: Path | None = None, **env: str) -> LiveServer:
        server = LiveServer(data_dir or tmp_path / f"data{len(servers)}", env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
        server.kill()
