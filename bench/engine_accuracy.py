"""Accuracy and speed of the chunk transcriber on long audio, against faster-whisper itself.

Measures, with the same model, compute type, beam size and total thread count, in one run
(timings on a shared 2-core machine are noisy, so contender and baseline run side by side,
alternating, on each lecture seed):

* `utterance` — every English utterance clip transcribed alone (the accuracy ceiling);
* `fw-seq`    — faster-whisper `WhisperModel.transcribe` on the whole lecture, `--threads`
  CTranslate2 threads (its defaults: no VAD, conditioned on previous text);
* `fw-batch`  — faster-whisper `BatchedInferencePipeline` on the same lecture;
* `ours`      — in this process with `--threads` threads: the project's VAD, chunk plan and
  `ChunkTranscriber`, chunk after chunk;
* `ours-pool` — end to end as the service runs it: the lecture as the pipeline's int16 PCM file,
  `pipeline.speech_map.detect_speech` (VAD), the chunk length `tuning.plan` picks,
  `plan_chunks`, and the real `executors.local_pool.WarmPool` with `--workers` processes of
  `--threads / --workers` threads (batch size from the plan), results stitched in time order.

Model loading is outside every timing (fw-seq's model and the pool's workers are loaded and warm
before the clock starts). Every contender gets the same audio, quantised to int16 as the pipeline
stores it. The lecture is the corpus' English utterance clips in manifest order separated by
seeded random 0.4-1.8 s silences, looped to `--seconds`. The summary gives mean WER over the
seeds, summed seconds, and the speed-up `fw-seq seconds / ours-pool seconds`. Run:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/engine_accuracy.py --seeds 0,1 [--repeats 2]
        [--only utterance,fw-seq,ours-pool] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

from testkit.evaluation.corpus import english_utterances
from testkit.evaluation.wer import error_counts, word_error_rate
from video_transcriber.config import ModelSettings, Settings, TuningSettings, VadSettings
from video_transcriber.domain import SAMPLE_RATE, Chunk, SpeechSpan, TranscribeOptions
from video_transcriber.engine.model import load_model
from video_transcriber.engine.transcriber import ChunkTranscriber
from video_transcriber.engine.vad import SpeechDetector
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.media.pcm import PcmAudio, to_float32, to_int16
from video_transcriber.pipeline.chunk_task import ChunkTask
from video_transcriber.pipeline.speech_map import detect_speech
from video_transcriber.segmentation.chunking import plan_chunks
from video_transcriber.segmentation.speech import speech_spans
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.plan import ExecutionPlan, MediaFacts, plan

CONTENDERS = ("fw-seq", "fw-batch", "ours", "ours-pool")


@dataclass
class Lecture:
    audio: np.ndarray
    reference: str
    seed: int

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def build_lecture(seconds: float, seed: int = 0) -> Lecture:
    """English clips end to end with 0.4-1.8 s silences, looped until `seconds` is reached;
    quantised to int16 and back, as the pipeline stores decoded audio."""
    rng = random.Random(seed)
    clips = [
        (decode_audio(str(c.path), sampling_rate=SAMPLE_RATE), c) for c in english_utterances()
    ]
    parts: list[np.ndarray] = []
    references: list[str] = []
    cursor = 0
    while cursor < seconds * SAMPLE_RATE:
        for audio, clip in clips:
            pause = np.zeros(int(rng.uniform(0.4, 1.8) * SAMPLE_RATE), dtype=np.float32)
            parts += [pause, audio]
            cursor += len(pause) + len(audio)
            references.append(clip.reference)
            if cursor >= seconds * SAMPLE_RATE:
                break
    parts.append(np.zeros(SAMPLE_RATE, dtype=np.float32))
    audio = to_float32(to_int16(np.concatenate(parts)))
    return Lecture(audio, " ".join(references), seed)


def project_spans(audio: np.ndarray) -> list[SpeechSpan]:
    """The project's VAD (engine.vad + segmentation.speech, default settings)."""
    probabilities = SpeechDetector().probabilities([audio])
    return speech_spans(probabilities, VadSettings(), duration=len(audio) / SAMPLE_RATE)


def execution_plan(duration: float, workers: int, threads: int) -> ExecutionPlan:
    """What `tuning.plan` picks for this media with `workers` x `threads` set explicitly."""
    tuning = TuningSettings(workers=workers, threads_per_worker=threads)
    return plan(read_system_facts(), MediaFacts(duration), tuning, ModelSettings())


def score(name: str, seed: int | None, reference: str, text: str, seconds: float) -> dict[str, Any]:
    counts = error_counts(reference, text)
    row = {"name": name, "seed": seed, "wer": round(word_error_rate(reference, text), 4)}
    row |= {**counts, "seconds": round(seconds, 2)}
    print(json.dumps(row), flush=True)
    return row


def timed(fn: Callable[[], str]) -> tuple[str, float]:
    began = time.perf_counter()
    text = fn()
    return text, time.perf_counter() - began


def run_utterances(model: WhisperModel, beam: int) -> dict[str, Any]:
    clips = english_utterances()

    def go() -> str:
        texts = []
        for clip in clips:
            audio = decode_audio(str(clip.path), sampling_rate=SAMPLE_RATE)
            segments, _ = model.transcribe(audio, language="en", beam_size=beam)
            texts.append(" ".join(s.text.strip() for s in segments))
        return " ".join(texts)

    text, seconds = timed(go)
    return score("utterance", None, " ".join(c.reference for c in clips), text, seconds)


def fw_seq(model: WhisperModel, lecture: Lecture, beam: int) -> str:
    segments, _ = model.transcribe(lecture.audio, language="en", beam_size=beam)
    return " ".join(s.text.strip() for s in segments)


def fw_batch(model: WhisperModel, lecture: Lecture, beam: int) -> str:
    pipeline = BatchedInferencePipeline(model)
    segments, _ = pipeline.transcribe(lecture.audio, language="en", beam_size=beam, batch_size=8)
    return " ".join(s.text.strip() for s in segments)


def ours_in_process(transcriber: ChunkTranscriber, lecture: Lecture, target: float) -> str:
    """VAD, chunk plan and every chunk in this process, one after another."""
    chunks = plan_chunks(
        project_spans(lecture.audio),
        duration=lecture.duration,
        target_seconds=target,
        max_seconds=Settings().tuning.max_chunk_seconds,
    )
    texts: list[str] = []
    for chunk in chunks:
        first, last = round(chunk.start * SAMPLE_RATE), round(chunk.end * SAMPLE_RATE)
        result = transcriber.transcribe(chunk, lecture.audio[first:last], TranscribeOptions())
        texts += [s.text.strip() for s in result.segments]
    return " ".join(texts)


@contextmanager
def warm_pool(settings: Settings, execution: ExecutionPlan, work: Path) -> Iterator[WarmPool]:
    """A `WarmPool` whose every worker has loaded the model and decoded once."""
    path = work / "warmup.pcm"
    to_int16(np.zeros(SAMPLE_RATE, dtype=np.float32)).tofile(path)
    speech = (SpeechSpan(0.1, 0.9),)
    tasks = [
        ChunkTask("warmup", Chunk(i, 0.0, 1.0, speech), path) for i in range(2 * execution.workers)
    ]
    with WarmPool(settings, execution) as pool:
        list(pool.run("warmup", tasks))
        yield pool


def ours_pool(pool: WarmPool, execution: ExecutionPlan, pcm: Path, settings: Settings) -> str:
    """What `pipeline.transcription` does after decoding: VAD, chunk plan, the pool, stitching."""
    audio = PcmAudio(pcm)
    speech = detect_speech(audio, settings)
    chunks = plan_chunks(
        speech.speech,
        faint=speech.faint,
        duration=audio.duration,
        target_seconds=execution.chunk_seconds,
        max_seconds=settings.tuning.max_chunk_seconds,
    )
    tasks = [ChunkTask(f"bench-{pcm.stem}", chunk, pcm) for chunk in chunks]
    results = sorted(pool.run(tasks[0].job_id, tasks), key=lambda r: r.chunk_index)
    per_chunk = [
        (round(c.end - c.start), round(r.decode_seconds, 2))
        for c, r in zip(chunks, results, strict=True)
    ]
    print(json.dumps({"chunks (media s, decode s)": per_chunk}), flush=True)
    return " ".join(s.text.strip() for r in results for s in r.segments)


def summarise(rows: Sequence[dict[str, Any]], baseline: str = "fw-seq") -> dict[str, Any]:
    """Per contender: mean WER over seeds, and seconds summed over seeds of the median and of
    the fastest repeat (the fastest is the least disturbed by other load on the machine)."""
    out: dict[str, Any] = {}
    for name in sorted({r["name"] for r in rows}):
        mine = [r for r in rows if r["name"] == name]
        seeds = sorted({r["seed"] for r in mine}, key=str)
        times = [[r["seconds"] for r in mine if r["seed"] == s] for s in seeds]
        wer = statistics.mean(next(r["wer"] for r in mine if r["seed"] == s) for s in seeds)
        out[name] = {
            "wer": round(wer, 4),
            "seconds_median": round(sum(statistics.median(t) for t in times), 2),
            "seconds_min": round(sum(min(t) for t in times), 2),
            "seeds": len(seeds),
        }
    if "utterance" in out:
        out["wer_limit"] = round(1.1 * out["utterance"]["wer"], 4)
    if baseline in out:
        for name in CONTENDERS:
            if name in out and name != baseline:
                for kind in ("median", "min"):
                    ratio = out[baseline][f"seconds_{kind}"] / out[name][f"seconds_{kind}"]
                    out[name][f"speedup_{kind}"] = round(ratio, 2)
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seeds", default="0,1", help="lecture seeds, comma-separated")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per seed")
    parser.add_argument("--threads", type=int, default=2, help="total CTranslate2 threads")
    parser.add_argument("--workers", type=int, default=2, help="processes for `ours-pool`")
    parser.add_argument("--chunk-seconds", type=float, help="override the planned chunk length")
    parser.add_argument("--batch-size", type=int, help="override the planned batch size")
    parser.add_argument("--only", default="utterance,fw-seq,ours-pool")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--json", help="write the rows and the summary to this file")
    return parser.parse_args()


def contenders(
    args: argparse.Namespace,
    settings: Settings,
    model: WhisperModel,
    execution: ExecutionPlan,
    stack: ExitStack,
    work: Path,
) -> dict[str, Callable[[Lecture, Path], str]]:
    """The wanted contenders, each a function of the lecture and its PCM file, ready to time."""
    wanted = set(args.only.split(","))
    runs: dict[str, Callable[[Lecture, Path], str]] = {}
    if "fw-seq" in wanted:
        runs["fw-seq"] = lambda lecture, _: fw_seq(model, lecture, args.beam)
    if "fw-batch" in wanted:
        runs["fw-batch"] = lambda lecture, _: fw_batch(model, lecture, args.beam)
    if "ours" in wanted:
        transcriber = ChunkTranscriber(settings.model, threads=args.threads)
        target = execution.chunk_seconds
        runs["ours"] = lambda lecture, _: ours_in_process(transcriber, lecture, target)
    if "ours-pool" in wanted:
        pool = stack.enter_context(warm_pool(settings, execution, work))
        runs["ours-pool"] = lambda _, pcm: ours_pool(pool, execution, pcm, settings)
    return runs


def main() -> None:
    args = parse_args()
    settings = Settings(model=ModelSettings(beam_size=args.beam))
    model = load_model(settings.model, threads=args.threads)
    rows: list[dict[str, Any]] = []
    if "utterance" in args.only.split(","):
        rows.append(run_utterances(model, args.beam))
    lectures = [build_lecture(args.seconds, int(seed)) for seed in args.seeds.split(",")]
    execution = execution_plan(lectures[0].duration, args.workers, args.threads // args.workers)
    if args.chunk_seconds:
        execution.chunk_seconds = args.chunk_seconds
    if args.batch_size:
        execution.batch_size = args.batch_size
    print(json.dumps({"plan": {k: v for k, v in execution.to_dict().items() if k != "reasons"}}))
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        runs = contenders(args, settings, model, execution, stack, Path(tmp))
        for lecture in lectures:
            pcm = Path(tmp) / f"lecture-{lecture.seed}.pcm"
            to_int16(lecture.audio).tofile(pcm)
            for repeat in range(args.repeats):
                order = list(runs) if repeat % 2 == 0 else list(runs)[::-1]
                for name in order:
                    began = time.perf_counter()
                    text = runs[name](lecture, pcm)
                    seconds = time.perf_counter() - began
                    rows.append(score(name, lecture.seed, lecture.reference, text, seconds))
    summary = summarise(rows)
    print(json.dumps({"summary": summary}, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
