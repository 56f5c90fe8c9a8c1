"""The API contract: `st run <server>/openapi.json --checks all` against a live server finds
nothing.

This is the run anyone can make by hand: the schemathesis CLI, from the repository root so that
`schemathesis.toml` (the few rules a schema cannot state) and its hooks apply, against a real
`video-transcriber serve` in a subprocess. Every check, a fixed seed and schemathesis' own
default of examples per operation; about a minute on 2 cores.

The server's pool is held to at most 2 workers: the fuzzer applies hundreds of plans through
`POST /api/performance/optimize`, each change of workers or threads starts a new warm pool, and
pools of up to 16 workers would spend minutes starting processes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.api.conftest import REPO, LiveServer

SEED = 1
MAX_EXAMPLES = 100
"""Per operation and phase; schemathesis' default. The run makes about 4,000 requests."""
SMALL_POOL = {
    "VT_TUNING__MIN_WORKERS": "1",
    "VT_TUNING__DEFAULT_WORKERS": "2",
    "VT_TUNING__MAX_WORKERS": "2",
    # `POST /api/performance/calibrate` runs the real calibration: one quick pass per shape
    "VT_CALIBRATION__MIN_CHUNKS": "1",
    "VT_CALIBRATION__CHUNKS_PER_WORKER": "1",
    "VT_CALIBRATION__REPEATS": "1",
    "VT_CALIBRATION__BATCH_SIZES": "[4]",
}
SHOWN_LINES = 400
"""How much of schemathesis' report a failure shows (the failures come first)."""


def schemathesis_run(url: str, *, seed: int = SEED) -> subprocess.CompletedProcess[str]:
    """`st run URL/openapi.json --checks all` with a fixed seed, from the repository root."""
    command = [str(Path(sys.executable).with_name("st")), "--no-color", "run"]
    command += [f"{url}/openapi.json", "--checks", "all", "--seed", str(seed)]
    command += ["--max-examples", str(MAX_EXAMPLES), "--workers", "1"]
    command += ["--generation-database", "none"]  # the seed alone decides: no earlier runs' cases
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)


@pytest.mark.e2e
@pytest.mark.timeout(1200)
def test_schemathesis_finds_nothing(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(**SMALL_POOL)
    result = schemathesis_run(server.url)
    report = result.stdout + result.stderr
    tail = "\n".join(report.splitlines()[-SHOWN_LINES:])
    server_log = "\n".join(server.output().splitlines()[-50:])
    assert result.returncode == 0, f"schemathesis found problems:\n{tail}\nserver:\n{server_log}"
