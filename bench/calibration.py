"""Calibration benchmark: how long `tune --calibrate` takes here, and what it measured.

Runs the real calibration (`video_transcriber.calibration.runner.calibrate`) for the configured
model (or `--model`, repeatable), prints each shape's throughput (media seconds per wall second),
start-up cost and per-worker peak RSS, the plan the measurements lead to against the formula's,
and the total time against the target (under 2 minutes on 2 cores for tiny.en). Results go to
bench/out/calibration-<time>.json and one history record to bench/out/calibration.jsonl.

    .venv/bin/python bench/calibration.py [--model tiny.en]
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import calibration_settings, cpu_summary, save_results
from video_transcriber.calibration.runner import CalibrationStep, calibrate
from video_transcriber.config import Settings
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.measured import Measurements
from video_transcriber.tuning.plan import plan

TARGET_SECONDS = 120.0
MB = 1024**2


def model_result(measurements: Measurements, settings: Settings) -> dict[str, Any]:
    facts = read_system_facts()
    model = settings.model.model_copy(update={"name": measurements.model})
    measured = plan(facts, None, settings.tuning, model, measurements=measurements)
    formula = plan(facts, None, settings.tuning, model)
    return {
        "model": measurements.model,
        "shapes": [
            {
                "shape": f"{s.workers}x{s.threads}b{s.batch_size}",
                "throughput": round(s.throughput, 2),
                "wall_seconds": s.wall_seconds,
                "startup_seconds": s.startup_seconds,
                "peak_worker_rss_mb": round(s.peak_worker_rss_bytes / MB, 1),
            }
            for s in measurements.shapes
        ],
        "measured_plan": f"{measured.workers}x{measured.threads_per_worker}b{measured.batch_size}",
        "formula_plan": f"{formula.workers}x{formula.threads_per_worker}b{formula.batch_size}",
        "measured_reasons": measured.reasons,
    }


def print_table(results: dict[str, Any], console: Console) -> None:
    for item in results["models"]:
        table = Table(title=f"calibration of {item['model']} ({results['cpu']})")
        for column in ("shape", "media s / s", "run s", "start-up s", "worker RSS MB"):
            table.add_column(column, justify="right")
        for s in item["shapes"]:
            table.add_row(
                s["shape"], f"{s['throughput']:.1f}", f"{s['wall_seconds']:.1f}",
                f"{s['startup_seconds']:.1f}", f"{s['peak_worker_rss_mb']:.0f}",
            )  # fmt: skip
        console.print(table)
        console.print(f"plan: measured {item['measured_plan']}, formula {item['formula_plan']}")
    ok = results["targets"]["under_2_minutes"]
    console.print(
        f"  {'[green]PASS' if ok else '[red]FAIL'}[/] calibration took "
        f"{results['total_seconds']:.0f} s (target < {TARGET_SECONDS:.0f} s); "
        f"load before {results['load_before']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--model", action="append", help="model to calibrate (repeatable)")
    args = parser.parse_args()
    settings = calibration_settings()
    console = Console()
    load_before = [round(x, 2) for x in os.getloadavg()]

    def show(step: CalibrationStep) -> None:
        console.print(f"[{step.done}/{step.total}] {step.message}")

    started = time.monotonic()
    measured = calibrate(settings, models=args.model, on_progress=show)
    total = time.monotonic() - started
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cpu": cpu_summary(),
        "load_before": load_before,
        "total_seconds": round(total, 2),
        "models": [model_result(m, settings) for m in measured],
        "targets": {"under_2_minutes": total < TARGET_SECONDS},
    }
    out = save_results("calibration", results)
    print_table(results, console)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
