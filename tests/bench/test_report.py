"""The bench history: records appended the way `make bench` appends them, read back by
bench/report.py as a table and a PNG plot."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import records  # noqa: E402
import report  # noqa: E402


def run_all_results(speedup: float, wall: float) -> dict[str, Any]:
    """The shape of bench/run_all.py's results (a trimmed real run)."""
    side = {"wall_seconds": wall, "cpu_seconds": wall * 1.8, "peak_rss_mb": 731.0, "wer": 0.061}
    return {
        "when": "2026-12-02T17:00:00",
        "quick": True,
        "config": {"model": "tiny.en", "workers": 2, "threads": 1},
        "side_by_side": [
            {
                "minutes": 10.0,
                "ours": side,
                "faster_whisper": {**side, "wall_seconds": wall * speedup},
                "speedup": speedup,
                "wer_ratio": 1.02,
            },
        ],
        "our_peak_rss_mb": {"10": 731.0},
        "targets": {"speedup_ge_2x": speedup >= 2},
    }


@pytest.fixture
def history(tmp_path: Path) -> Path:
    records.append_record("results", run_all_results(3.1, 12.0), tmp_path)
    records.append_record("results", run_all_results(2.2, 17.5), tmp_path)
    return tmp_path


def test_each_run_is_one_line_with_commit_machine_and_every_figure(history: Path) -> None:
    lines = (history / "results.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert len(first["commit"]) == 40 and isinstance(first["dirty"], bool)
    assert first["machine"]["cpu_model"] and first["machine"]["usable_cpus"] >= 1
    assert len(first["machine"]["key"]) == 16
    figures = first["figures"]
    assert figures["side_by_side.10.speedup"] == 3.1
    assert figures["side_by_side.10.ours.wall_seconds"] == 12.0
    assert figures["targets.speedup_ge_2x"] == 1.0
    assert first["results"]["config"]["model"] == "tiny.en"


def test_report_prints_the_history_and_plots_it(history: Path) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    written = report.report(history, kinds=None, patterns=None, last=8, draw=True, console=console)
    text = buffer.getvalue()
    assert "side_by_side.10.speedup" in text and "3.1" in text and "2.2" in text
    assert "-29%" in text  # 3.1 -> 2.2: the regression shows
    assert written == [history / "history-results.png"]
    png = written[0].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_report_without_history_says_what_to_run(tmp_path: Path) -> None:
    buffer = io.StringIO()
    report.report(
        tmp_path,
        kinds=None,
        patterns=None,
        last=8,
        draw=False,
        console=Console(file=buffer, width=300),
    )
    assert "run `make bench` first" in buffer.getvalue()
