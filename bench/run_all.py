"""End-to-end benchmark: our CLI against faster-whisper's sequential `transcribe`, side by side.

For each lecture length (10 min in `--quick`; 10 and 60 min in the full run) it builds an MP4
lecture (H.264 + AAC) from the corpus' English utterances with 0.4-1.8 s pauses, then runs, one
after the other in the same run so machine load affects both alike:

* ours — `video-transcriber transcribe` in a subprocess, with the planned workers x threads;
* faster-whisper — `WhisperModel.transcribe(path)` in a subprocess, same model, compute type,
  beam size and the same total number of threads;

and reports wall time (start-up and model loading included), WER and the peak RSS of each process
tree. Per-utterance WER (each clip transcribed alone by faster-whisper, laid out in lecture order)
is the accuracy ceiling the long-lecture WER is compared with. Our peak RSS is also measured on a
180-minute lecture in the full run, to show memory stays flat in duration.

    make bench            # full run (about half an hour on 2 cores)
    make bench-quick      # 10-minute lecture only

Results go to bench/out/results-<time>.json (and bench/out/results-latest.json) and are printed
as a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import (
    Measured,
    bench_config,
    bench_env,
    checked,
    config_summary,
    fw_command,
    lecture,
    placed_clips,
    run_measured,
    run_ours,
    save_results,
    transcript_text,
)
from testkit.evaluation.lecture import LectureInfo
from testkit.evaluation.wer import word_error_rate

TARGET_SPEEDUP = 2.0
TARGET_WER_RATIO = 1.1
TARGET_RSS_GROWTH = 1.15
TARGET_RSS_BYTES = 1024**3
MB = 1024**2


def run_faster_whisper(info: LectureInfo, config: dict[str, Any]) -> tuple[Measured, str]:
    measured = checked(
        run_measured([*fw_command(config), str(info.path)], env=bench_env()), "faster-whisper"
    )
    return measured, json.loads(measured.stdout.strip().splitlines()[-1])["text"]


def per_utterance_texts(names: list[str], config: dict[str, Any]) -> dict[str, str]:
    """Each distinct clip transcribed alone by faster-whisper (the accuracy ceiling)."""
    measured = run_measured(
        [*fw_command(config), "--per-clip", *sorted(set(names))], env=bench_env()
    )
    if measured.returncode != 0:
        raise RuntimeError(f"per-utterance run failed:\n{measured.stderr[-3000:]}")
    texts: dict[str, str] = json.loads(measured.stdout.strip().splitlines()[-1])["texts"]
    return texts


def _side(measured: Measured, wer: float) -> dict[str, Any]:
    return {
        "wall_seconds": round(measured.wall_seconds, 2),
        "cpu_seconds": round(measured.cpu_seconds, 2),
        "peak_rss_mb": round(measured.peak_rss_bytes / MB, 1),
        "wer": round(wer, 4),
    }


def compare(minutes: float, config: dict[str, Any], utterances: dict[str, str]) -> dict[str, Any]:
    info = lecture(minutes)
    names = placed_clips(info)
    missing = sorted(set(names) - set(utterances))
    utterances.update(per_utterance_texts(missing, config) if missing else {})
    ceiling = word_error_rate(info.reference, " ".join(utterances[name] for name in names))
    print(f"[{minutes:g} min] ours ...", file=sys.stderr, flush=True)
    ours, document = run_ours(info.path, config)
    our_text = transcript_text(document)
    print(f"[{minutes:g} min] faster-whisper ...", file=sys.stderr, flush=True)
    fw, fw_text = run_faster_whisper(info, config)
    our_wer = word_error_rate(info.reference, our_text)
    return {
        "minutes": minutes,
        "media_seconds": info.duration,
        "ours": _side(ours, our_wer),
        "faster_whisper": _side(fw, word_error_rate(info.reference, fw_text)),
        "per_utterance_wer": round(ceiling, 4),
        "speedup": round(fw.wall_seconds / ours.wall_seconds, 2),
        "cpu_ratio": round(fw.cpu_seconds / ours.cpu_seconds, 2),
        "wer_ratio": round(our_wer / ceiling, 3) if ceiling > 0 else None,
    }


def rss_only(minutes: float, config: dict[str, Any]) -> dict[str, Any]:
    info = lecture(minutes)
    print(f"[{minutes:g} min] ours (memory) ...", file=sys.stderr, flush=True)
    ours, document = run_ours(info.path, config)
    return {
        "minutes": minutes,
        "media_seconds": info.duration,
        "ours": _side(ours, word_error_rate(info.reference, transcript_text(document))),
    }


def targets(rows: list[dict[str, Any]], rss: dict[float, float]) -> dict[str, Any]:
    checks: dict[str, Any] = {
        "peak_rss_under_1gb": all(mb * MB < TARGET_RSS_BYTES for mb in rss.values()),
    }
    if rows:  # a --memory-only run has no side-by-side rows to judge speed and WER by
        checks["speedup_ge_2x"] = all(row["speedup"] >= TARGET_SPEEDUP for row in rows)
        checks["wer_within_1.1x_of_per_utterance"] = all(
            row["wer_ratio"] is not None and row["wer_ratio"] <= TARGET_WER_RATIO for row in rows
        )
    if 60 in rss and 10 in rss:
        checks["rss_60min_le_1.15x_10min"] = rss[60] <= TARGET_RSS_GROWTH * rss[10]
    return checks


def print_table(results: dict[str, Any], console: Console) -> None:
    table = Table(title=f"video-transcriber vs faster-whisper ({results['config_summary']})")
    columns = ("lecture", "ours s", "fw s", "speed-up", "CPU ratio", "ours WER", "fw WER",
               "utt WER", "WER ratio", "ours RSS MB", "fw RSS MB")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for row in results["side_by_side"]:
        ours, fw = row["ours"], row["faster_whisper"]
        table.add_row(
            f"{row['minutes']:g} min", f"{ours['wall_seconds']:.1f}", f"{fw['wall_seconds']:.1f}",
            f"{row['speedup']:.2f}x", f"{row['cpu_ratio']:.2f}x",
            f"{ours['wer']:.3f}", f"{fw['wer']:.3f}",
            f"{row['per_utterance_wer']:.3f}", f"{row['wer_ratio']}",
            f"{ours['peak_rss_mb']:.0f}", f"{fw['peak_rss_mb']:.0f}",
        )  # fmt: skip
    console.print(table)
    rss = ", ".join(f"{m} min: {mb:.0f} MB" for m, mb in results["our_peak_rss_mb"].items())
    console.print(f"Our peak RSS by duration: {rss}")
    for name, ok in results["targets"].items():
        console.print(f"  {'[green]PASS' if ok else '[red]FAIL'}[/] {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10-minute lecture only")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="only our peak RSS at 10 and 60 min (and 180 without --quick); no baseline",
    )
    args = parser.parse_args()
    config = bench_config()
    side_minutes, rss_minutes = ([10.0], []) if args.quick else ([10.0, 60.0], [180.0])
    if args.memory_only:
        side_minutes, rss_minutes = [], [10.0, 60.0] + ([] if args.quick else [180.0])
    utterances: dict[str, str] = {}
    rows = [compare(minutes, config, utterances) for minutes in side_minutes]
    rss = {row["minutes"]: row["ours"]["peak_rss_mb"] for row in rows}
    extra = [rss_only(minutes, config) for minutes in rss_minutes]
    rss.update({row["minutes"]: row["ours"]["peak_rss_mb"] for row in extra})
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "quick": args.quick,
        "config": config,
        "config_summary": config_summary(config),
        "cpus": os.cpu_count(),
        "side_by_side": rows,
        "memory_only": extra,
        "our_peak_rss_mb": {f"{m:g}": mb for m, mb in rss.items()},
        "targets": targets(rows, rss),
    }
    out = save_results("results", results)
    print_table(results, Console(width=max(140, shutil.get_terminal_size().columns)))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
