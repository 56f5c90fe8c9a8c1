"""Multilingual benchmark: Whisper `base` through our pipeline against faster-whisper, per language.

Builds, seeded and cached under bench/out/media, a lecture (MP4, H.264 + AAC) of `--minutes`
(3; 1.5 in `--quick`) in each of German, French, Spanish and Portuguese from that language's
FLEURS utterances in ../shared/data/speech (000-002; pt has 001-002), and one in English from
the English utterances, laid end to end and looped (`evaluation.lecture.build_lecture`).

For every lecture, one after the other, in one run, with the same model (`base`), compute type,
beam and total threads:

* `ours`    — `python -m video_transcriber transcribe FILE --model base -f json` (language
  `auto`: detected from windows spread over every chunk), planned workers x threads;
* `fw-seq`  — faster-whisper `WhisperModel.transcribe(FILE)` with its defaults (sequential,
  language detected from the first 30 s);
* ceiling   — faster-whisper on each distinct utterance alone (the per-utterance ceiling).

Scored with Whisper's basic normaliser outside English and its English one for English
(`evaluation.languages`). Also: our CLI on every non-English clip of the corpus in one run,
with the language it detected for each.

    .venv/bin/python bench/multilingual.py [--quick] [--minutes M]

Targets (issue 11): WER ≤ 1.05x the ceiling on de/fr/es/pt; ≥ 2x faster than fw-seq on the
English and the German lecture; the language right on every clip and every lecture.
Results go to bench/out/multilingual-<time>.json (and multilingual-latest.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import (
    MEDIA_DIR,
    SEED,
    bench_env,
    checked,
    config_summary,
    cpu_summary,
    run_measured,
    run_ours,
    save_results,
    transcript_text,
)
from run_all import per_utterance_texts, run_faster_whisper
from testkit.evaluation.languages import foreign_clips, utterances_in, wer_in
from testkit.evaluation.lecture import LectureInfo, build_lecture
from video_transcriber.config import ModelSettings, Settings
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.plan import plan

LANGUAGES = ("de", "fr", "es", "pt", "en")
SPEED_LANGUAGES = ("en", "de")
MODEL = "base"
TARGET_WER_RATIO = 1.05
TARGET_SPEEDUP = 2.0


def base_config() -> dict[str, Any]:
    """The bench's model (`base`), compute type, beam and the plan's workers x threads."""
    settings = Settings()
    model = ModelSettings.model_validate({**settings.model.model_dump(), "name": MODEL})
    execution = plan(read_system_facts(), None, settings.tuning, model)
    return {
        "model": MODEL,
        "compute_type": model.compute_type,
        "beam_size": model.beam_size,
        "workers": execution.workers,
        "threads": execution.threads_per_worker,
    }


def language_lecture(language: str, minutes: float) -> tuple[LectureInfo, list[str]]:
    """A lecture of `language`'s utterances, built once; with its clips' names in order."""
    MEDIA_DIR.mkdir(parents=True, exist_ok=True)
    path = MEDIA_DIR / f"lecture-{language}-{minutes:g}min-seed{SEED}.mp4"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        data = json.loads(meta.read_text())
        return LectureInfo(path, data["duration"], data["reference"], ()), data["clips"]
    print(f"building {path.name} ...", file=sys.stderr, flush=True)
    clips = utterances_in(language)
    info = build_lecture(clips, target_seconds=minutes * 60, out=path, seed=SEED)
    names = [p.name for p in info.placements]
    meta.write_text(
        json.dumps({"duration": info.duration, "reference": info.reference, "clips": names})
    )
    return info, names


def side_by_side(language: str, minutes: float, config: dict[str, Any]) -> dict[str, Any]:
    info, names = language_lecture(language, minutes)
    print(f"[{language}] ceiling ...", file=sys.stderr, flush=True)
    alone = per_utterance_texts(names, config)
    ceiling = wer_in(language, info.reference, " ".join(alone[name] for name in names))
    print(f"[{language}] ours ...", file=sys.stderr, flush=True)
    ours, document = run_ours(info.path, config)
    print(f"[{language}] faster-whisper ...", file=sys.stderr, flush=True)
    fw, fw_text = run_faster_whisper(info, config)
    our_wer = wer_in(language, info.reference, transcript_text(document))
    return {
        "language": language,
        "media_seconds": round(info.duration, 1),
        "utterances": len(names),
        "detected": document.get("language"),
        "detected_probability": document.get("language_probability"),
        "ours": {"wall": round(ours.wall_seconds, 2), "cpu": round(ours.cpu_seconds, 2),
                 "peak_rss_mb": round(ours.peak_rss_bytes / 2**20), "wer": round(our_wer, 4)},
        "fw_seq": {"wall": round(fw.wall_seconds, 2), "cpu": round(fw.cpu_seconds, 2),
                   "peak_rss_mb": round(fw.peak_rss_bytes / 2**20),
                   "wer": round(wer_in(language, info.reference, fw_text), 4)},
        "ceiling_wer": round(ceiling, 4),
        "wer_ratio": round(our_wer / ceiling, 3) if ceiling > 0 else None,
        "speedup": round(fw.wall_seconds / ours.wall_seconds, 2),
        "cpu_ratio": round(fw.cpu_seconds / ours.cpu_seconds, 2),
    }  # fmt: skip


def clip_languages(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Our CLI on every non-English clip in one run: the language detected for each."""
    clips = foreign_clips()
    with tempfile.TemporaryDirectory(prefix="vt-bench-") as out:
        command = [
            sys.executable, "-m", "video_transcriber", "transcribe", *(str(c.path) for c in clips),
            "-o", out, "-f", "json", "--model", MODEL,
            "--workers", str(config["workers"]), "--threads", str(config["threads"]),
        ]  # fmt: skip
        checked(run_measured(command, env=bench_env()), "our CLI on the clips")
        rows = []
        for clip in clips:
            document = json.loads((Path(out) / f"{clip.path.stem}.json").read_text("utf-8"))
            rows.append(
                {
                    "clip": clip.name,
                    "language": clip.language,
                    "detected": document.get("language"),
                    "probability": document.get("language_probability"),
                    "wer": round(
                        wer_in(clip.language, clip.reference, transcript_text(document)), 4
                    ),
                }
            )
    return rows


def targets(rows: list[dict[str, Any]], clips: list[dict[str, Any]]) -> dict[str, bool]:
    foreign = [row for row in rows if row["language"] != "en"]
    fast = [row for row in rows if row["language"] in SPEED_LANGUAGES]
    return {
        "wer_le_1.05x_ceiling_de_fr_es_pt": all(
            row["wer_ratio"] is not None and row["wer_ratio"] <= TARGET_WER_RATIO for row in foreign
        ),
        "speedup_ge_2x_en_de": all(row["speedup"] >= TARGET_SPEEDUP for row in fast),
        "language_right_every_lecture": all(row["detected"] == row["language"] for row in rows),
        "language_right_every_clip": all(c["detected"] == c["language"] for c in clips),
    }


def print_report(results: dict[str, Any], console: Console) -> None:
    table = Table(title=f"base: ours vs faster-whisper sequential ({results['config_summary']})")
    for column in ("lecture", "s", "detected", "ours s", "fw s", "speed-up", "CPU ratio",
                   "ours WER", "fw WER", "ceiling", "WER ratio", "ours MB", "fw MB"):  # fmt: skip
        table.add_column(column, justify="right")
    for row in results["lectures"]:
        ours, fw = row["ours"], row["fw_seq"]
        table.add_row(
            row["language"], f"{row['media_seconds']:.0f}",
            f"{row['detected']} {row['detected_probability'] or 0:.2f}",
            f"{ours['wall']:.1f}", f"{fw['wall']:.1f}", f"{row['speedup']:.2f}x",
            f"{row['cpu_ratio']:.2f}x", f"{ours['wer']:.3f}", f"{fw['wer']:.3f}",
            f"{row['ceiling_wer']:.3f}", f"{row['wer_ratio']}",
            f"{ours['peak_rss_mb']}", f"{fw['peak_rss_mb']}",
        )  # fmt: skip
    console.print(table)
    for clip in results["clips"]:
        mark = "ok " if clip["detected"] == clip["language"] else "BAD"
        console.print(
            f"  {mark} {clip['clip']}: {clip['language']} → {clip['detected']} "
            f"({clip['probability'] or 0:.2f}), WER {clip['wer']:.3f}"
        )
    console.print(results["cpu"])
    console.print(f"load at start: {results['load_at_start']}")
    for name, ok in results["targets"].items():
        console.print(f"  {'[green]PASS' if ok else '[red]FAIL'}[/] {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1.5-minute lectures")
    parser.add_argument("--minutes", type=float, default=None)
    args = parser.parse_args()
    minutes = args.minutes or (1.5 if args.quick else 3.0)
    config = base_config()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    rows = [side_by_side(language, minutes, config) for language in LANGUAGES]
    clips = clip_languages(config)
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "minutes": minutes,
        "config": config,
        "config_summary": config_summary(config),
        "cpu": cpu_summary(),
        "cpus": os.cpu_count(),
        "load_at_start": load,
        "lectures": rows,
        "clips": clips,
        "targets": targets(rows, clips),
    }
    out = save_results("multilingual", results)
    print_report(results, Console(width=160))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
