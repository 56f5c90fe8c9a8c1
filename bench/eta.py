"""ETA benchmark: how far the ETA is from the truth on a 60-minute lecture.

Calibrates the planned pool shape (`calibration.runner.calibrate`, one shape), then transcribes
the bench lecture (60 min; 10 in `--quick`) in-process through the real pipeline and warm pool,
with the calibration's rate as the expected rate, recording every progress event. Afterwards,
for each event, the true remaining time is known, and three ETAs are compared with it:

* `reported` — what the service reports (`tuning.history.Eta`: the expected rate blended with
  the job's own, chunks left scheduled over the workers);
* `own_pace` — speech left over the job's pace so far (what the service reported before);
* `calibration` — speech left over the calibrated rate.

Target: the blended ETA within 15 % of the true remaining time once 20 % of the job is done.
`--prior-scale F` multiplies the calibrated rate by F before the job uses it, to see how the ETA
copes with a calibration that was wrong (taken under other load, or an unlucky run): 0.5 says
the machine is twice as slow as it is, 2.0 twice as fast.
Results go to bench/out/eta-<time>.json and a history record to bench/out/eta.jsonl.

    .venv/bin/python bench/eta.py [--quick] [--prior-scale F]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import calibration_settings, cpu_summary, lecture, save_results
from video_transcriber.calibration.runner import calibrate
from video_transcriber.calibration.shapes import Shape
from video_transcriber.config import Settings
from video_transcriber.domain import Chunk, ChunkResult, Progress, Stage, TranscribeOptions
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.pipeline.transcription import transcribe_media
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.history import calibrated_rate
from video_transcriber.tuning.plan import ExecutionPlan, MediaFacts, plan

TARGET_ERROR = 0.15
CHECK_AT_PERCENT = 20.0


def run_job(
    path: Path, settings: Settings, execution: ExecutionPlan, rate: float | None
) -> dict[str, Any]:
    """Transcribe `path`, recording (seconds since transcription began, percent, reported ETA)."""
    events: list[tuple[float, float, float | None]] = []
    speech: dict[int, float] = {}
    began: list[float] = []

    def on_progress(progress: Progress) -> None:
        if progress.stage is not Stage.TRANSCRIBING:
            return
        now = time.monotonic()
        if not began:
            began.append(now)
        events.append((now - began[0], progress.percent, progress.eta_seconds))

    def on_timing(chunk: Chunk, result: ChunkResult) -> None:
        speech[chunk.index] = chunk.speech_seconds

    with (
        tempfile.TemporaryDirectory(prefix="vt-eta-") as work,
        WarmPool(settings, execution) as pool,
    ):
        transcribe_media(
            path, settings=settings, options=TranscribeOptions(language="en"), executor=pool,
            work_dir=Path(work), plan=execution, expected_rate=rate, on_timing=on_timing,
            on_progress=on_progress,
        )  # fmt: skip
        finished = time.monotonic() - began[0]
    return {
        "shape": f"{execution.workers}x{execution.threads_per_worker}",
        "events": events,
        "finished": finished,
        "total_speech": sum(speech.values()),
    }


def errors(run: dict[str, Any], rate: float | None) -> list[dict[str, Any]]:
    """Per progress event past 0 % and before 100 %: the three ETAs' relative errors."""
    total, finished = run["total_speech"], run["finished"]
    rows = []
    for at, percent, reported in run["events"]:
        if not 0 < percent < 100 or finished - at <= 0:
            continue
        truth = finished - at
        done = total * percent / 100
        estimates = {
            "reported": reported,  # tuning.history.Eta, as the service reports it
            "own_pace": (total - done) / (done / at) if at > 0 else None,  # the former ETA
            "calibration": None if not rate else (total - done) / rate,
        }
        off = {
            k: None if v is None else round(abs(v - truth) / truth, 4) for k, v in estimates.items()
        }
        rows.append(
            {"percent": round(percent, 1), "at": round(at, 2), "truth": round(truth, 2)} | off
        )
    return rows


def at_check(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next((row for row in rows if row["percent"] >= CHECK_AT_PERCENT), rows[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10-minute lecture")
    parser.add_argument(
        "--prior-scale", type=float, default=1.0, metavar="F",
        help="multiply the calibrated rate by F (simulate a miscalibrated prior)",
    )  # fmt: skip
    args = parser.parse_args()
    minutes = 10.0 if args.quick else 60.0
    settings = calibration_settings()
    info = lecture(minutes)
    media = MediaFacts(info.duration)
    execution = plan(read_system_facts(), media, settings.tuning, settings.model)
    shape = Shape(execution.workers, execution.threads_per_worker, execution.batch_size)
    load_before = [round(x, 2) for x in os.getloadavg()]
    [measured] = calibrate(settings, shapes=[shape])
    calibrated = calibrated_rate(measured, shape.workers, shape.threads)
    rate = calibrated * args.prior_scale if calibrated else None
    run = run_job(info.path, settings, execution, rate)
    rows = errors(run, rate)
    check = at_check(rows)
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cpu": cpu_summary(),
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "lecture": {
            "minutes": minutes,
            "shape": run["shape"],
            "calibrated_speech_rate": calibrated,
            "prior_scale": args.prior_scale,
            "expected_speech_rate": rate,
            "actual_speech_rate": round(run["total_speech"] / run["finished"], 3),
            "wall_seconds": round(run["finished"], 2),
            "error_after_20_percent": check,
            "events": rows,
        },
    }
    results["targets"] = {
        "eta_within_15_percent_after_20": (check["reported"] or 1) <= TARGET_ERROR
    }
    out = save_results("eta", results)
    print_table(results, Console())
    print(f"results: {out}")


def print_table(results: dict[str, Any], console: Console) -> None:
    item = results["lecture"]
    table = Table(title=f"ETA error on a {item['minutes']:g}-minute lecture ({results['cpu']})")
    for column in ("% done", "true s left", "reported", "own pace", "calibration"):
        table.add_column(column, justify="right")
    for row in item["events"]:
        table.add_row(
            f"{row['percent']:.0f}", f"{row['truth']:.1f}",
            *(f"{row[k]:.0%}" if row[k] is not None else "-"
              for k in ("reported", "own_pace", "calibration")),
        )  # fmt: skip
    console.print(table)
    check = item["error_after_20_percent"]
    ok = results["targets"]["eta_within_15_percent_after_20"]
    console.print(
        f"  {'[green]PASS' if ok else '[red]FAIL'}[/] at {check['percent']:.0f} % done the "
        f"reported ETA was {check['reported']:.0%} off (target <= {TARGET_ERROR:.0%}); "
        f"calibrated {item['calibrated_speech_rate']:.1f} s of speech/s (used x"
        f"{item['prior_scale']:g}), actual "
        f"{item['actual_speech_rate']:.1f}; load {results['load_before']} -> "
        f"{results['load_after']}"
    )


if __name__ == "__main__":
    main()
