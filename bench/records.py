"""Machine-readable bench history: one JSON line per bench run, under bench/out/<kind>.jsonl.

Every record carries what is needed to compare runs later: the commit (and whether the tree had
changes), the machine fingerprint (`video_transcriber.calibration.fingerprint`: CPU model, cores,
memory, versions), the load average when it ended, and every figure of the run, flattened to
dotted keys (`side_by_side.10.speedup`, `side_by_side.10.ours.wall_seconds`), next to the full
results. `bench/report.py` reads these files back; nothing here is ever rewritten, only appended.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from video_transcriber.calibration.fingerprint import read_fingerprint

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
RECORD_VERSION = 1

ROW_KEYS = ("minutes", "name", "system", "condition", "model", "shape")
"""A list item's key in the flattened figures is its first of these fields, else its index."""


def git_commit() -> tuple[str, bool]:
    """(HEAD's hash, whether the working tree has uncommitted changes); ("unknown", False)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, cwd=BENCH_DIR
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, cwd=BENCH_DIR,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False
    return head, bool(status.strip())


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, float]]:
    """Every number in `value` (booleans as 0/1) under a dotted key."""
    if isinstance(value, int | float):  # bool is an int: 0 or 1
        yield prefix, float(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{_row_key(item, index)}")


def _row_key(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in ROW_KEYS:
            if key in item and isinstance(item[key], str | int | float):
                return f"{item[key]:g}" if isinstance(item[key], float) else str(item[key])
    return str(index)


def record(kind: str, results: dict[str, Any]) -> dict[str, Any]:
    """The history record of one run of bench `kind`."""
    commit, dirty = git_commit()
    return {
        "version": RECORD_VERSION,
        "kind": kind,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": commit,
        "dirty": dirty,
        "machine": read_fingerprint().to_dict(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "figures": dict(flatten(results)),
        "results": results,
    }


def append_record(kind: str, results: dict[str, Any], out_dir: Path = OUT_DIR) -> Path:
    """Append the run's record to `out_dir/<kind>.jsonl` and return that path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{kind}.jsonl"
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record(kind, results), sort_keys=True) + "\n")
    return path


def read_records(out_dir: Path = OUT_DIR) -> list[dict[str, Any]]:
    """Every record of every `*.jsonl` under `out_dir`, oldest first; bad lines are reported."""
    found: list[dict[str, Any]] = []
    for path in sorted(out_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number} is not a JSON record ({exc})") from None
    return sorted(found, key=lambda r: r.get("when", ""))
