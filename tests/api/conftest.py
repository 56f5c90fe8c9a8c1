"""Service fixtures: an in-process app with a fake runner, and a real server in a subprocess.

`client` / `make_client` build `create_app(settings, runner=FakeRunner())` under TestClient (the
lifespan runs, so the store, manager and uploads are real; only the model is faked).
`live_server` starts `video-transcriber serve` on a free port with a temporary data directory and
waits for /healthz; it can be killed with SIGKILL and restarted on the same data directory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.fakes import FakeRunner
from tests.media_files import write_wav
from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings

REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("video-transcriber")
START_TIMEOUT = 120.0


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    data_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.log = self.data_dir.parent / f"server-{self.port}-{time.monotonic_ns()}.log"
        command = [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--data-dir", str(self.data_dir), "--log-level", "warning"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env={**os.environ, "HF_HUB_OFFLINE": "1", **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers die with it
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server did not become healthy:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)

    def kill(self) -> None:
        """SIGKILL the server and its worker processes, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """`live_server(**env)` starts a server; `.kill()` then `.start()` restarts on the same data."""
    servers: list[LiveServer] = []

    def start(data_dir: Path | None = None, **env: str) -> LiveServer:
        server = LiveServer(data_dir or tmp_path / f"data{len(servers)}", env)
        server.data_dir.mkdir(parents=True, exist_ok=True)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
        server.kill()
