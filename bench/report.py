"""The bench history as a table and a plot, so a regression shows.

Reads every record `make bench` (and `bench/calibration.py`) appended to bench/out/*.jsonl
(`bench/records.py`), and for each kind of bench prints its headline figures over the last runs,
one row per figure and one column per run (commit, CPU, load), with the change from the run
before; then draws the same figures, one panel each, into bench/out/history-<kind>.png.

    .venv/bin/python bench/report.py                      # every kind, default figures
    .venv/bin/python bench/report.py --kind results --figure 'side_by_side.*.speedup'
    .venv/bin/python bench/report.py --last 20 --no-plot

A figure is a dotted key of the records' flattened `figures` (shell-style patterns allowed).
"""

from __future__ import annotations

import argparse
import fnmatch
import shutil
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from records import OUT_DIR, read_records

DEFAULT_FIGURES: dict[str, tuple[str, ...]] = {
    "results": (
        "side_by_side.*.speedup",
        "side_by_side.*.ours.wall_seconds",
        "side_by_side.*.ours.wer",
        "our_peak_rss_mb.*",
    ),
    "robustness": (
        "main.speedup.*",
        "main.systems.ours.wall_seconds",
        "main.systems.ours.wer",
        "dense.speedup.*",
    ),
    "calibration": ("models.*.shapes.*.throughput", "models.*.shapes.*.peak_worker_rss_mb"),
    "eta": ("lecture.minutes", "lecture.error_after_20_percent.*", "lecture.wall_seconds"),
}
"""Headline figures per bench kind; kinds not listed show every figure (up to `MAX_FIGURES`)."""
MAX_FIGURES = 12
REGRESSION_SHARE = 0.10
"""A change of more than this from the run before is shown in colour."""


def figure_keys(records: list[dict[str, Any]], patterns: tuple[str, ...]) -> list[str]:
    """Keys matching `patterns` in any record, in pattern order then first appearance."""
    keys: list[str] = []
    for pattern in patterns:
        for rec in records:
            for key in rec.get("figures", {}):
                if fnmatch.fnmatchcase(key, pattern) and key not in keys:
                    keys.append(key)
    return keys[:MAX_FIGURES]


def run_label(rec: dict[str, Any]) -> str:
    """`2026-12-02 17:10 3f2a1b9c* load 2.1` (`*`: uncommitted changes)."""
    when = str(rec.get("when", ""))[:16].replace("T", " ")
    commit = str(rec.get("commit", "unknown"))[:8] + ("*" if rec.get("dirty") else "")
    load = rec.get("load_average") or [None]
    return f"{when}\n{commit}\nload {load[0]}"


def _change(previous: float | None, value: float | None) -> str:
    if previous in (None, 0) or value is None:
        return ""
    assert previous is not None
    share = (value - previous) / abs(previous)
    text = f"{share:+.0%}"
    return f"[yellow]{text}[/]" if abs(share) > REGRESSION_SHARE else text


def history_table(kind: str, records: list[dict[str, Any]], keys: list[str]) -> Table:
    machines = {str(r.get("machine", {}).get("cpu_model", "?")) for r in records}
    table = Table(title=f"{kind}: last {len(records)} runs on {', '.join(sorted(machines))}")
    table.add_column("figure")
    for rec in records:
        table.add_column(run_label(rec), justify="right")
    table.add_column("change", justify="right")
    for key in keys:
        values = [rec.get("figures", {}).get(key) for rec in records]
        cells = ["" if v is None else f"{v:.4g}" for v in values]
        change = _change(values[-2], values[-1]) if len(values) > 1 else ""
        table.add_row(key, *cells, change)
    return table


def plot(kind: str, records: list[dict[str, Any]], keys: list[str], path: Path) -> Path:
    """One panel per figure over the runs; written to `path` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(3, len(keys))
    rows = -(-len(keys) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3 * rows), squeeze=False)
    labels = [str(r.get("commit", "?"))[:7] + ("*" if r.get("dirty") else "") for r in records]
    for axis, key in zip(axes.flat, keys, strict=False):
        points = [
            (i, r["figures"][key]) for i, r in enumerate(records) if key in r.get("figures", {})
        ]
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o")
        axis.set_title(key, fontsize=9)
        axis.set_xticks(range(len(records)), labels, rotation=45, fontsize=7)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(keys) :]:
        axis.set_visible(False)
    cpu = records[-1].get("machine", {}).get("cpu_model", "?")
    fig.suptitle(f"bench history: {kind} ({cpu})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def report(
    out_dir: Path,
    *,
    kinds: list[str] | None,
    patterns: tuple[str, ...] | None,
    last: int,
    draw: bool,
    console: Console,
) -> list[Path]:
    """Print the tables (and draw the plots) of the chosen kinds; the PNGs written."""
    records = read_records(out_dir)
    if not records:
        console.print(f"No bench history in {out_dir}: run `make bench` first.")
        return []
    written: list[Path] = []
    for kind in kinds or sorted({str(r.get("kind")) for r in records}):
        runs = [r for r in records if r.get("kind") == kind][-last:]
        if not runs:
            console.print(f"No runs of {kind!r} in {out_dir}.")
            continue
        keys = figure_keys(runs, patterns or DEFAULT_FIGURES.get(kind, ("*",)))
        console.print(history_table(kind, runs, keys))
        if draw and keys:
            written.append(plot(kind, runs, keys, out_dir / f"history-{kind}.png"))
            console.print(f"plot: {written[-1]}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where the .jsonl files are")
    parser.add_argument("--kind", action="append", help="bench kind (results, robustness, ...)")
    parser.add_argument("--figure", action="append", help="figure key or pattern to show")
    parser.add_argument("--last", type=int, default=8, help="runs per kind (default 8)")
    parser.add_argument("--no-plot", action="store_true", help="table only")
    args = parser.parse_args()
    console = Console(width=max(140, shutil.get_terminal_size().columns))
    report(
        args.out_dir,
        kinds=args.kind,
        patterns=tuple(args.figure) if args.figure else None,
        last=max(1, args.last),
        draw=not args.no_plot,
        console=console,
    )


if __name__ == "__main__":
    main()
