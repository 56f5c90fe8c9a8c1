"""`video-transcriber serve` and `video-transcriber worker` as child processes, for tests,
benchmarks and scripts.

Each runs the installed `video-transcriber` command beside this interpreter in a process group of
its own, its output in a log file. `ServerProcess(data_dir, env).start()` serves on a free
loopback port with its own data directory and returns once `/healthz` answers 200;
`WorkerProcess(log_dir, env, processes=N).start()` returns once the Celery worker says it is ready
and each of its N processes has loaded the model. `stop()` terminates the whole group (the
command and the processes it spawned); `kill()` sends SIGKILL to it, as a crash would, and a
server's `start()` may then run it again on the same data directory. A failed start raises
`RuntimeError` with the command's output.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

START_TIMEOUT = 120.0
"""Seconds a command may take to be ready (model check, migrations, worker start-up)."""
STOP_TIMEOUT = 30.0
"""Seconds a command may take to stop after SIGTERM before it is killed."""
POLL_SECONDS = 0.2


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_path() -> Path:
    """The `video-transcriber` command installed beside the running interpreter."""
    return Path(sys.executable).with_name("video-transcriber")


class _ChildProcess:
    """A `video-transcriber` subcommand in its own process group, its output in a log file."""

    what = "process"

    def __init__(self, env: dict[str, str] | None, cwd: Path | None) -> None:
        self.env = env or {}
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.log: Path | None = None

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"the {self.what} has not been started")
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        """What the command has written to stdout and stderr since its last start."""
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def _spawn(self, arguments: list[str], log: Path) -> None:
        self.log = log
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **self.env}
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(cli_path()), *arguments],
                cwd=self.cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: what it spawns stops with it
            )

    def _await(self, ready: str, is_ready: Callable[[], bool]) -> None:
        """Poll `is_ready()` until it is true; stop the command and raise with its output if it
        exits or `START_TIMEOUT` passes first. `ready` names the condition in the error."""
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if not self.alive():
                    raise RuntimeError(f"{self.what} exited early:\n{self.output()}")
                if is_ready():
                    return
                time.sleep(POLL_SECONDS)
            raise RuntimeError(
                f"{self.what} was not {ready} within {START_TIMEOUT:.0f} s:\n{self.output()}"
            )
        except BaseException:
            self.stop()
            raise

    def kill(self) -> None:
        """SIGKILL the process group, as a crash would."""
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def terminate(self) -> None:
        """SIGTERM the process group and return at once (`stop` waits)."""
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        """SIGTERM the process group; kill it if it has not stopped in `STOP_TIMEOUT`."""
        self.terminate()
        if self.process is None:
            return
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class ServerProcess(_ChildProcess):
    """One `video-transcriber serve`; also a context manager that stops it."""

    what = "server"

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, *, cwd: Path | None = None
    ) -> None:
        super().__init__(env, cwd)
        self.data_dir = data_dir
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Start the server (again, after a stop or kill) and wait until it is healthy."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        arguments = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        arguments += ["--data-dir", str(self.data_dir), "--log-level", "warning"]
        self._spawn(
            arguments, self.data_dir.parent / f"server-{self.port}-{time.monotonic_ns()}.log"
        )
        self._await("healthy", self._healthy)
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def __enter__(self) -> Self:
        return self.start()


class WorkerProcess(_ChildProcess):
    """One `video-transcriber worker` (a Celery worker with `processes` warm model processes of
    `threads` threads each); also a context manager that stops it."""

    what = "worker"

    def __init__(
        self,
        log_dir: Path,
        env: dict[str, str] | None = None,
        *,
        processes: int = 1,
        threads: int = 1,
        cwd: Path | None = None,
    ) -> None:
        super().__init__(env, cwd)
        self.log_dir = log_dir
        self.processes = processes
        self.threads = threads
        self.name = f"w{uuid.uuid4().hex[:6]}"
        """Celery's node name is `<name>@<host>`."""

    def start(self) -> Self:
        """Start the worker and wait until every process has loaded the model."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        arguments = ["worker", "--workers", str(self.processes), "--threads", str(self.threads)]
        arguments += ["--hostname", f"{self.name}@%h", "--log-level", "info"]
        self._spawn(arguments, self.log_dir / f"{self.name}.log")
        self._await("ready", self._ready)
        return self

    def _ready(self) -> bool:
        output = self.output()
        return " ready." in output and output.count("model loaded") >= self.processes

    def __enter__(self) -> Self:
        return self.start()
