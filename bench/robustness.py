"""Robustness benchmark: our CLI against faster-whisper on speech under hard conditions.

Builds, seeded and cached under bench/out/media (MP4, H.264 + mono AAC, as the others but mono):

* the *main lecture* (10 min; 3.5 in `--quick`) from every English clip of ../shared/data/speech
  but the long-form items (read, spontaneous, disfluent `mfa_*`, the telephone-band Harvard
  reading, non-native and children's `speechocean_*`), each utterance under one condition —
  clean, quiet (-30..-40 dB), pink noise or babble (5-12 dB SNR), telephone band, reverberant
  (RT60 0.5-0.8 s) — with dense (0.1-0.4 s), short and long pauses over a -70..-65 dBFS floor
  (`testkit.evaluation.conditioned_lecture`);
* a *dense lecture* (5 min; 2 in `--quick`), clean, every pause 0.1-0.4 s, for the speed target;
* *noise and music* (2 min, no speech: `testkit.evaluation.nonspeech`).

Each file goes through three systems, one after the other, each a subprocess timed from start
to exit (start-up and model loading included) with the peak RSS of its process tree:

* `ours`     — `python -m video_transcriber transcribe FILE -f json`, the planned workers x threads;
* `fw-seq`   — faster-whisper `WhisperModel.transcribe` with its defaults (no VAD filter);
* `fw-batch` — faster-whisper `BatchedInferencePipeline`, batch 8, with its defaults (VAD on);

all with the same model, compute type, beam and total threads. The *ceiling* is faster-whisper
`WhisperModel.transcribe` on each processed utterance alone, cut from the decoded file.
Every transcript is scored per condition by one whole-lecture alignment with errors charged to
utterances (`testkit.evaluation.attribution`); an utterance is *lost* when the
ceiling recovers at least half of its words and the system none.

    make bench        # runs this after run_all.py
    make bench-quick  # --quick
    .venv/bin/python bench/robustness.py [--quick] [--seed N]
    .venv/bin/python bench/robustness.py --show bench/out/robustness-latest.json

Results go to bench/out/robustness-<time>.json (and robustness-latest.json) and are printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from harness import (
    MEDIA_DIR,
    Measured,
    bench_config,
    bench_env,
    checked,
    config_summary,
    cpu_summary,
    fw_command,
    run_measured,
    run_ours,
    save_results,
    transcript_text,
)
from robustness_report import print_report, side, targets
from testkit.evaluation.attribution import Counts, attribute, by_group, lost_utterances
from testkit.evaluation.conditioned_lecture import (
    ConditionedLecture,
    LectureRecipe,
    PlacedUtterance,
    build_conditioned_lecture,
    write_samples,
)
from testkit.evaluation.corpus import english_speech
from testkit.evaluation.nonspeech import noise_and_music
from testkit.evaluation.wer import normalize

BUILD_VERSION = 2
"""Part of every cached file's name: bump it when a builder changes, so media are rebuilt."""
SEED = 11
SYSTEMS = ("ours", "fw-seq", "fw-batch")
FW_BATCH_SIZE = 8
NOISE_SECONDS = 120.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def built_lecture(name: str, recipe: LectureRecipe) -> ConditionedLecture:
    """The lecture of `recipe`, built once and cached (media + JSON placements)."""
    MEDIA_DIR.mkdir(parents=True, exist_ok=True)
    path = MEDIA_DIR / f"robust-{name}-{recipe.seconds:g}s-seed{recipe.seed}-v{BUILD_VERSION}.mp4"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return ConditionedLecture.from_json(path, meta.read_text())
    log(f"building {path.name} ...")
    lecture = build_conditioned_lecture(english_speech(), recipe, path)
    meta.write_text(lecture.to_json())
    return lecture


def built_noise(seconds: float, seed: int) -> Path:
    """The noise-and-music file, built once and cached."""
    MEDIA_DIR.mkdir(parents=True, exist_ok=True)
    path = MEDIA_DIR / f"robust-noise-music-{seconds:g}s-seed{seed}-v{BUILD_VERSION}.mp4"
    if not path.exists():
        log(f"building {path.name} ...")
        partial = path.with_suffix(".part.mp4")
        write_samples(noise_and_music(seconds, seed), partial)
        partial.rename(path)
    return path


def run_ours_text(path: Path, config: dict[str, Any]) -> tuple[Measured, str]:
    """Our CLI on `path`; also logs the stage timings its JSON reports."""
    measured, document = run_ours(path, config)
    log(f"  ours: timings {document['timings']}")
    return measured, transcript_text(document)


def run_fw(path: Path, config: dict[str, Any], batched: bool) -> tuple[Measured, str]:
    extra = ["--batched", str(FW_BATCH_SIZE)] if batched else []
    measured = run_measured([*fw_command(config), *extra, str(path)], env=bench_env())
    checked(measured, "faster-whisper")
    return measured, json.loads(measured.stdout.strip().splitlines()[-1])["text"]


def run_systems(path: Path, config: dict[str, Any], label: str) -> dict[str, tuple[Measured, str]]:
    """Every system on `path`, one after the other."""
    runs: dict[str, tuple[Measured, str]] = {}
    for system in SYSTEMS:
        log(f"[{label}] {system} ...")
        runs[system] = (
            run_ours_text(path, config)
            if system == "ours"
            else run_fw(path, config, system != "fw-seq")
        )
    return runs


def run_ceiling(lecture: ConditionedLecture, config: dict[str, Any]) -> list[str]:
    """Each processed utterance cut from the decoded file and transcribed alone."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([[u.start, u.end] for u in lecture.utterances], handle)
    try:
        command = [*fw_command(config), "--spans", handle.name, str(lecture.path)]
        measured = checked(run_measured(command, env=bench_env()), "the per-utterance ceiling")
    finally:
        Path(handle.name).unlink()
    texts: list[str] = json.loads(measured.stdout.strip().splitlines()[-1])["texts"]
    return texts


def condition_rows(
    lecture: ConditionedLecture, counts: dict[str, list[Counts]], prefix: str = ""
) -> list[dict[str, Any]]:
    """Per condition: utterances, words, WER of every system and the ceiling, lost counts."""
    conditions = [prefix + u.condition for u in lecture.utterances]
    grouped = {name: by_group(items, conditions) for name, items in counts.items()}
    lost = {name: lost_utterances(counts[name], counts["ceiling"]) for name in SYSTEMS}
    rows = []
    for condition in dict.fromkeys(conditions):
        row: dict[str, Any] = {
            "condition": condition,
            "utterances": conditions.count(condition),
            "words": grouped["ceiling"][condition].words,
            "wer": {name: round(g[condition].wer, 4) for name, g in grouped.items()},
            "lost": {n: sum(conditions[i] == condition for i in lost[n]) for n in SYSTEMS},
        }
        ceiling = row["wer"]["ceiling"]
        row["ratio"] = round(row["wer"]["ours"] / ceiling, 3) if ceiling > 0 else None
        rows.append(row)
    return rows


def _described(u: PlacedUtterance, counts: dict[str, list[Counts]]) -> dict[str, Any]:
    """An utterance's placement and condition, with its words right per system."""
    hits = {name: items[u.index].hits for name, items in counts.items()}
    return {
        "index": u.index, "clip": u.clip, "condition": u.condition, "detail": u.detail,
        "start": round(u.start, 2), "end": round(u.end, 2),
        "words": counts["ceiling"][u.index].words, "hits": hits,
    }  # fmt: skip


def lost_details(lecture: ConditionedLecture, counts: dict[str, list[Counts]]) -> list[Any]:
    """Every utterance some system lost: where it is, what was done to it, who lost it."""
    lost = {name: set(lost_utterances(counts[name], counts["ceiling"])) for name in SYSTEMS}
    return [
        {**_described(u, counts), "lost_by": [n for n in SYSTEMS if u.index in lost[n]]}
        for u in lecture.utterances
        if any(u.index in lost[n] for n in SYSTEMS)
    ]


def measure_lecture(
    lecture: ConditionedLecture, config: dict[str, Any], label: str, prefix: str = ""
) -> dict[str, Any]:
    runs = run_systems(lecture.path, config, label)
    log(f"[{label}] per-utterance ceiling ...")
    references = [u.reference for u in lecture.utterances]
    counts = {name: attribute(references, text) for name, (_, text) in runs.items()}
    counts["ceiling"] = attribute(references, " ".join(run_ceiling(lecture, config)))
    totals = {name: sum(items, Counts()) for name, items in counts.items()}
    ours = runs["ours"][0].wall_seconds
    return {
        "media": lecture.path.name,
        "media_seconds": round(lecture.duration, 2),
        "utterances": len(lecture.utterances),
        "floor_dbfs": round(lecture.floor_dbfs, 1),
        "systems": {name: side(m, totals[name].wer) for name, (m, _) in runs.items()},
        "ceiling_wer": round(totals["ceiling"].wer, 4),
        "speedup": {name: round(runs[name][0].wall_seconds / ours, 2) for name in SYSTEMS[1:]},
        "conditions": condition_rows(lecture, counts, prefix),
        "lost": lost_details(lecture, counts),
        "per_utterance": [_described(u, counts) for u in lecture.utterances],
        "texts": {name: text for name, (_, text) in runs.items()},
    }


def measure_noise(path: Path, config: dict[str, Any]) -> dict[str, Any]:
    runs = run_systems(path, config, "noise+music")
    return {
        "media": path.name,
        "media_seconds": NOISE_SECONDS,
        "words": {name: len(normalize(text).split()) for name, (_, text) in runs.items()},
        "texts": {name: text[:500] for name, (_, text) in runs.items()},
        "systems": {name: side(m, None) for name, (m, _) in runs.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3.5 + 2 + 2 minutes of audio")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show", type=Path, help="only print the report of a saved results file")
    args = parser.parse_args()
    console = Console(width=max(150, shutil.get_terminal_size().columns))
    if args.show:
        print_report(json.loads(args.show.read_text()), console)
        return
    config = bench_config()
    main_seconds, dense_seconds = (210.0, 120.0) if args.quick else (600.0, 300.0)
    main_lecture = built_lecture("main", LectureRecipe(main_seconds, args.seed))
    dense_recipe = LectureRecipe(dense_seconds, args.seed, ("clean",), {"dense": 1.0})
    dense_lecture = built_lecture("dense", dense_recipe)
    noise = built_noise(NOISE_SECONDS, args.seed)
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "quick": args.quick,
        "seed": args.seed,
        "cpu": cpu_summary(),
        "config": config,
        "config_summary": config_summary(config),
        "fw_batch_size": FW_BATCH_SIZE,
        "main": measure_lecture(main_lecture, config, "main"),
        "dense": measure_lecture(dense_lecture, config, "dense", prefix="dense: "),
        "noise_music": measure_noise(noise, config),
    }
    results["targets"] = targets(results)
    out = save_results("robustness", results)
    print_report(results, console)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
