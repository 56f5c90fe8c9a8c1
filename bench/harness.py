"""Shared pieces of the benchmarks: cached lecture videos, a process-tree RSS reading, running a
command under an RSS sampler, the configuration both sides run with, the CPU they ran on, and
where results are written.

Peak memory is measured the way an operator would see it: the resident set size of the whole
process tree (the CLI and every worker it spawns), sampled every `SAMPLE_SECONDS` with psutil and
summed over live processes. Shared library pages count once per process, so this overstates what
the tree really costs; it is the conservative number.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from records import append_record
from testkit.evaluation.calibration_sample import write_calibration_sample
from testkit.evaluation.corpus import english_utterances
from testkit.evaluation.lecture import LectureInfo, build_lecture
from video_transcriber.config import Settings
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.plan import plan

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
MEDIA_DIR = OUT_DIR / "media"
SAMPLE_SECONDS = 0.2
SEED = 7


@dataclass(frozen=True, slots=True)
class Measured:
    """One command's wall time, CPU time, peak tree RSS, exit code and output."""

    wall_seconds: float
    cpu_seconds: float
    """User + system time of the process and every descendant it waited for: unlike wall time,
    barely affected by other load on the machine."""
    peak_rss_bytes: int
    returncode: int
    stdout: str
    stderr: str


def lecture(minutes: float) -> LectureInfo:
    """An MP4 (H.264 + AAC) lecture of `minutes`, built once and cached under bench/out/media."""
    MEDIA_DIR.mkdir(parents=True, exist_ok=True)
    path = MEDIA_DIR / f"lecture-{minutes:g}min-seed{SEED}.mp4"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        data = json.loads(meta.read_text())
        return LectureInfo(path, data["duration"], data["reference"], ())
    print(f"building {path.name} ...", file=sys.stderr, flush=True)
    info = build_lecture(english_utterances(), target_seconds=minutes * 60, out=path, seed=SEED)
    placed = [p.name for p in info.placements]
    meta.write_text(
        json.dumps({"duration": info.duration, "reference": info.reference, "clips": placed})
    )
    return info


def calibration_settings() -> Settings:
    """`Settings()` with the calibration sample generated from the corpus (the package ships
    none); `VT_CALIBRATION__SAMPLE`, when set, wins."""
    settings = Settings()
    if settings.calibration.sample is None:
        sample = write_calibration_sample(MEDIA_DIR / "calibration-sample.flac")
        settings.calibration.sample = sample
    return settings


def placed_clips(info: LectureInfo) -> list[str]:
    """Names of the clips in the lecture, in order (from the cache's metadata)."""
    return list(json.loads(info.path.with_suffix(".json").read_text())["clips"])


def save_results(kind: str, results: dict[str, Any]) -> Path:
    """Write `results` to bench/out/<kind>-<timestamp>.json (and <kind>-latest.json), and append
    the run's history record (commit, machine, every figure) to bench/out/<kind>.jsonl."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2) + "\n"
    out = OUT_DIR / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(text)
    (OUT_DIR / f"{kind}-latest.json").write_text(text)
    append_record(kind, results, OUT_DIR)
    return out


def tree_rss(root: psutil.Process) -> int:
    """RSS of `root` and every live descendant, summed."""
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def run_measured(command: list[str], *, env: dict[str, str] | None = None) -> Measured:
    """Run `command`, sampling the RSS of its process tree; wall time includes start-up."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    root = psutil.Process(process.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(root))
            except psutil.NoSuchProcess:
                return
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peak, process.returncode, stdout, stderr)


def bench_config() -> dict[str, Any]:
    """Model, compute type, beam and this machine's planned workers x threads: what our CLI runs
    with (the plan's defaults) and what faster-whisper gets in total."""
    settings = Settings()
    execution = plan(read_system_facts(), None, settings.tuning, settings.model)
    return {
        "model": settings.model.name,
        "compute_type": settings.model.compute_type,
        "beam_size": settings.model.beam_size,
        "workers": execution.workers,
        "threads": execution.threads_per_worker,
    }


def config_summary(config: dict[str, Any]) -> str:
    return (
        f"{config['model']} {config['compute_type']} beam {config['beam_size']}"
        f", {config['workers']}x{config['threads']} threads"
    )


def bench_env() -> dict[str, str]:
    """The environment of every measured subprocess: offline, no tokenizer threads."""
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def checked(measured: Measured, what: str) -> Measured:
    """`measured`, or RuntimeError with the tail of its stderr when it failed."""
    if measured.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{measured.stderr[-3000:]}")
    return measured


def run_ours(path: Path, config: dict[str, Any]) -> tuple[Measured, dict[str, Any]]:
    """Our CLI on `path` with the bench's model, beam and workers x threads, and the JSON
    transcript it wrote (its segments' text is what is scored: TXT output opens with a title)."""
    with tempfile.TemporaryDirectory(prefix="vt-bench-") as out:
        command = [
            sys.executable, "-m", "video_transcriber", "transcribe", str(path),
            "-o", out, "-f", "json",
            "--model", config["model"], "--beam-size", str(config["beam_size"]),
            "--workers", str(config["workers"]), "--threads", str(config["threads"]),
        ]  # fmt: skip
        measured = checked(run_measured(command, env=bench_env()), "our CLI")
        document = json.loads((Path(out) / f"{path.stem}.json").read_text(encoding="utf-8"))
    return measured, document


def transcript_text(document: dict[str, Any]) -> str:
    return " ".join(segment["text"] for segment in document["segments"])


def fw_command(config: dict[str, Any]) -> list[str]:
    """`fw_baseline.py` with our model, compute type, beam and our total thread count."""
    return [
        sys.executable, str(BENCH_DIR / "fw_baseline.py"),
        "--model", config["model"], "--compute-type", config["compute_type"],
        "--beam-size", str(config["beam_size"]),
        "--threads", str(config["workers"] * config["threads"]),
    ]  # fmt: skip


def cpu_summary() -> str:
    """The CPU model (lscpu) and whether it has AVX-512F and AVX2, for beside the timings."""
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return f"CPU unknown (no lscpu), {os.cpu_count()} CPUs"
    fields = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    model = fields.get("Model name", "unknown").strip()
    flags = set(fields.get("Flags", "").split())
    marks = ", ".join(f"{flag} {'yes' if flag in flags else 'no'}" for flag in ("avx512f", "avx2"))
    return f"CPU: {model}; {marks}; {os.cpu_count()} CPUs visible"
