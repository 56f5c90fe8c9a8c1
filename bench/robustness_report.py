"""The robustness benchmark's targets and printed report (tables of `robustness.py` results)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from harness import Measured

TARGET_WER_RATIO = 1.0
TARGET_NOISE_WORDS = 3
TARGET_SPEEDUP = {"fw-seq": 2.5, "fw-batch": 2.0}
MB = 1024**2


def side(measured: Measured, wer: float | None) -> dict[str, Any]:
    """One system's run as stored in the results."""
    return {
        "wall_seconds": round(measured.wall_seconds, 2),
        "cpu_seconds": round(measured.cpu_seconds, 2),
        "peak_rss_mb": round(measured.peak_rss_bytes / MB, 1),
        "wer": None if wer is None else round(wer, 4),
    }


def _within(row: dict[str, Any]) -> bool:
    return bool(row["wer"]["ours"] <= TARGET_WER_RATIO * row["wer"]["ceiling"] + 1e-9)


def targets(results: dict[str, Any]) -> dict[str, bool]:
    """PASS/FAIL of every target of issue 10 that this benchmark measures."""
    main, dense = results["main"], results["dense"]
    checks = {
        f"main: ours WER <= {TARGET_WER_RATIO:g}x ceiling in every condition": all(
            _within(row) for row in main["conditions"]
        ),
        f"dense: ours WER <= {TARGET_WER_RATIO:g}x ceiling": all(
            _within(row) for row in dense["conditions"]
        ),
        "no utterance lost (main + dense)": not any(
            "ours" in item["lost_by"] for item in main["lost"] + dense["lost"]
        ),
        f"noise+music: ours <= {TARGET_NOISE_WORDS} words": (
            results["noise_music"]["words"]["ours"] <= TARGET_NOISE_WORDS
        ),
    }
    for name, lecture in (("main", main), ("dense", dense)):
        for baseline, least in TARGET_SPEEDUP.items():
            checks[f"{name}: speed >= {least:g}x {baseline}"] = (
                lecture["speedup"][baseline] >= least
            )
    return checks


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def condition_table(results: dict[str, Any]) -> Table:
    table = Table(title="WER per condition (ceiling: each processed utterance alone, fw)")
    columns = ("condition", "utts", "words", "ours", "ceiling", "ours/ceil", "lost ours",
               "fw-seq", "fw-batch", "lost fw-seq", "lost fw-batch")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "condition" else "right")
    rows = results["main"]["conditions"] + results["dense"]["conditions"]
    for row in rows:
        wer, lost = row["wer"], row["lost"]
        mark = "" if _within(row) else " [red]x[/]"
        table.add_row(
            row["condition"], str(row["utterances"]), str(row["words"]),
            f"{wer['ours']:.3f}{mark}", f"{wer['ceiling']:.3f}", _ratio(row["ratio"]),
            str(lost["ours"]), f"{wer['fw-seq']:.3f}", f"{wer['fw-batch']:.3f}",
            str(lost["fw-seq"]), str(lost["fw-batch"]),
        )  # fmt: skip
    return table


def speed_table(results: dict[str, Any]) -> Table:
    table = Table(title="Whole process, start-up and model load included")
    for column in ("file", "system", "wall s", "CPU s", "peak RSS MB", "WER", "ours faster"):
        table.add_column(column, justify="left" if column in ("file", "system") else "right")
    for name in ("main", "dense", "noise_music"):
        part = results[name]
        label = f"{name} ({part['media_seconds'] / 60:.1f} min)"
        for system, run in part["systems"].items():
            faster = part.get("speedup", {}).get(system)
            table.add_row(
                label, system, f"{run['wall_seconds']:.1f}", f"{run['cpu_seconds']:.1f}",
                f"{run['peak_rss_mb']:.0f}", "-" if run["wer"] is None else f"{run['wer']:.3f}",
                "-" if faster is None else f"{faster:.2f}x",
            )  # fmt: skip
            label = ""
        if "ceiling_wer" in part:
            table.add_row("", "ceiling", "", "", "", f"{part['ceiling_wer']:.3f}", "")
    return table


def print_lost(results: dict[str, Any], console: Console) -> None:
    for name in ("main", "dense"):
        for item in results[name]["lost"]:
            console.print(
                f"  lost in {name} #{item['index']} {item['clip']} ({item['condition']}: "
                f"{item['detail']}) at {item['start']:.1f}-{item['end']:.1f} s, "
                f"{item['words']} words, ceiling {item['hits']['ceiling']} right; "
                f"lost by {', '.join(item['lost_by'])}",
                soft_wrap=True,
            )


def print_report(results: dict[str, Any], console: Console) -> None:
    console.print(
        f"Robustness bench, {results['config_summary']}, fw batch {results['fw_batch_size']}"
    )
    console.print(results["cpu"])
    main = results["main"]
    console.print(
        f"main lecture {main['media_seconds'] / 60:.1f} min, {main['utterances']} utterances, "
        f"floor {main['floor_dbfs']} dBFS; dense lecture {results['dense']['utterances']} "
        f"utterances; seed {results['seed']}"
    )
    console.print(condition_table(results))
    print_lost(results, console)
    console.print(speed_table(results))
    words = results["noise_music"]["words"]
    console.print(
        "noise+music (2 min, no speech), words produced: "
        + ", ".join(f"{name} {count}" for name, count in words.items())
    )
    for name, ok in results["targets"].items():
        console.print(f"  {'[green]PASS' if ok else '[red]FAIL'}[/] {name}")
