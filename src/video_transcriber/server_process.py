"""`video-transcriber serve` as a child process, for tests, benchmarks and scripts.

`ServerProcess(data_dir, env).start()` runs the installed `video-transcriber` command beside this
interpreter on a free loopback port with its own data directory, in a process group of its own,
and returns once `/healthz` answers 200. `stop()` terminates the whole group (the server and the
workers it spawned); `kill()` sends SIGKILL to it, as a crash would, and `start()` may then run
the server again on the same data directory. A failed start raises `RuntimeError` with the
server's output.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

START_TIMEOUT = 120.0
"""Seconds a server may take to answer /healthz (model check, migrations, worker start-up)."""
STOP_TIMEOUT = 30.0
"""Seconds a server may take to stop after SIGTERM before it is killed."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_path() -> Path:
    """The `video-transcriber` command installed beside the running interpreter."""
    return Path(sys.executable).with_name("video-transcriber")


class ServerProcess:
    """One `video-transcriber serve` subprocess; also a context manager that stops it."""

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, *, cwd: Path | None = None
    ) -> None:
        self.data_dir = data_dir
        self.env = env or {}
        self.cwd = cwd
        self.port = free_port()
        self.log = data_dir.parent / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("the server has not been started")
        return self.process.pid

    def start(self) -> Self:
        """Start the server (again, after a stop or kill) and wait until it is healthy."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = self.data_dir.parent / f"server-{self.port}-{time.monotonic_ns()}.log"
        command = [str(cli_path()), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--data-dir", str(self.data_dir), "--log-level", "warning"]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **self.env}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers stop with it
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        waited = f"{START_TIMEOUT:.0f} s"
        raise RuntimeError(f"server did not become healthy in {waited}:\n{self.output()}")

    def output(self) -> str:
        """What the server has written to stdout and stderr since its last start."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the server and its worker processes, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM the server's process group; kill it if it has not stopped in time."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
