"""Accuracy and speed of the chunk transcriber on long audio, against faster-whisper itself.

Measures, with the same model, beam size and thread count, in one run (timings on a shared
2-core machine are noisy, so contender and baseline must be compared side by side):

* `utterance` — every English utterance clip transcribed alone (the accuracy ceiling);
* `fw-seq`    — faster-whisper `WhisperModel.transcribe` on a whole synthetic lecture;
* `fw-batch`  — faster-whisper `BatchedInferencePipeline` on the same lecture;
* `ours`      — the lecture split into ~60-150 s chunks at VAD speech spans (the project's
  `engine.vad` + `segmentation`), each chunk through `ChunkTranscriber`, sequentially in one
  process with `--threads` threads;
* `ours-par`  — the same chunks shared by `--workers` warm processes of `--threads / --workers`
  threads each (what `jobs.local_pool` does); VAD and chunking are inside the timing.

The lecture is the corpus' English utterance clips in manifest order separated by seeded random
0.4-1.8 s silences, looped to `--seconds`. Run:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/engine_accuracy.py [--only utterance,ours] [--json out]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio
from faster_whisper.vad import VadOptions, get_speech_timestamps

from video_transcriber.config import ModelSettings, VadSettings
from video_transcriber.domain import SAMPLE_RATE, Chunk, SpeechSpan, TranscribeOptions
from video_transcriber.engine.model import load_model
from video_transcriber.engine.transcriber import ChunkTranscriber
from video_transcriber.engine.vad import SpeechDetector
from video_transcriber.evaluation.corpus import english_utterances
from video_transcriber.evaluation.wer import error_counts, word_error_rate
from video_transcriber.segmentation.chunking import plan_chunks as project_chunks
from video_transcriber.segmentation.speech import speech_spans as project_spans


@dataclass
class Lecture:
    audio: np.ndarray
    reference: str
    placements: list[tuple[float, float, str]]


def build_lecture(seconds: float, seed: int = 0) -> Lecture:
    """English clips end to end with 0.4-1.8 s silences, looped until `seconds` is reached."""
    rng = random.Random(seed)
    clips = [
        (decode_audio(str(c.path), sampling_rate=SAMPLE_RATE), c) for c in english_utterances()
    ]
    parts: list[np.ndarray] = []
    placements: list[tuple[float, float, str]] = []
    cursor = 0
    while cursor < seconds * SAMPLE_RATE:
        for audio, clip in clips:
            pause = np.zeros(int(rng.uniform(0.4, 1.8) * SAMPLE_RATE), dtype=np.float32)
            parts += [pause, audio]
            start = cursor + len(pause)
            cursor = start + len(audio)
            placements.append((start / SAMPLE_RATE, cursor / SAMPLE_RATE, clip.reference))
            if cursor >= seconds * SAMPLE_RATE:
                break
    parts.append(np.zeros(SAMPLE_RATE, dtype=np.float32))
    reference = " ".join(ref for _, _, ref in placements)
    return Lecture(np.concatenate(parts), reference, placements)


def speech_spans(audio: np.ndarray, vad: str = "project") -> list[SpeechSpan]:
    """Speech spans: the project's VAD (engine.vad + segmentation.speech, default settings), or
    faster-whisper's Silero helper with the same thresholds (`vad="fw"`)."""
    if vad == "project":
        probabilities = SpeechDetector().probabilities([audio])
        return project_spans(probabilities, VadSettings(), duration=len(audio) / SAMPLE_RATE)
    options = VadOptions(threshold=0.5, min_silence_duration_ms=500, speech_pad_ms=200)
    stamps = get_speech_timestamps(audio, options)
    return [SpeechSpan(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def plan_chunks(spans: Sequence[SpeechSpan], duration: float, target: float) -> list[Chunk]:
    """Chunks of about `target` seconds (at most 150 s), cut in the silence between spans."""
    return project_chunks(spans, duration=duration, target_seconds=target, max_seconds=150.0)


def greedy_chunks(spans: Sequence[SpeechSpan], duration: float, target: float) -> list[Chunk]:
    """Greedy chunks of about `target` seconds, cut in the silence between spans."""
    chunks: list[Chunk] = []
    group: list[SpeechSpan] = []
    start = 0.0
    for i, span in enumerate(spans):
        group.append(span)
        last = i == len(spans) - 1
        if last or spans[i + 1].end - start > target:
            end = duration if last else (span.end + spans[i + 1].start) / 2
            chunks.append(Chunk(len(chunks), start, end, tuple(group)))
            start, group = end, []
    return chunks


def score(name: str, reference: str, hypothesis: str, seconds: float) -> dict[str, Any]:
    counts = error_counts(reference, hypothesis)
    row = {"name": name, "wer": round(word_error_rate(reference, hypothesis), 4), **counts}
    row["seconds"] = round(seconds, 1)
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
    return score("utterance", " ".join(c.reference for c in clips), text, seconds)


def run_ours(
    lecture: Lecture, transcriber: ChunkTranscriber, target: float, vad: str
) -> dict[str, Any]:
    duration = len(lecture.audio) / SAMPLE_RATE
    options = TranscribeOptions()

    def go() -> str:
        chunks = plan_chunks(speech_spans(lecture.audio, vad), duration, target)
        texts = []
        for chunk in chunks:
            samples = lecture.audio[int(chunk.start * SAMPLE_RATE) : int(chunk.end * SAMPLE_RATE)]
            result = transcriber.transcribe(chunk, samples, options)
            texts += [s.text.strip() for s in result.segments]
        return " ".join(texts)

    text, seconds = timed(go)
    return score("ours", lecture.reference, text, seconds)


_worker: ChunkTranscriber | None = None


def _load_worker(threads: int, beam: int) -> None:
    global _worker
    _worker = ChunkTranscriber(ModelSettings(beam_size=beam), threads=threads)


def _run_chunk(chunk: Chunk, samples: np.ndarray) -> list[str]:
    assert _worker is not None
    return [s.text for s in _worker.transcribe(chunk, samples, TranscribeOptions()).segments]


def run_parallel(
    lecture: Lecture, workers: int, threads: int, beam: int, target: float, vad: str
) -> dict[str, Any]:
    """`workers` warm processes (model loaded before the clock starts), chunks shared out."""
    from concurrent.futures import ProcessPoolExecutor

    duration = len(lecture.audio) / SAMPLE_RATE
    with ProcessPoolExecutor(workers, initializer=_load_worker, initargs=(threads, beam)) as pool:
        list(pool.map(time.sleep, [0.5] * workers))  # wait until every worker is warm

        def go() -> str:
            chunks = plan_chunks(speech_spans(lecture.audio, vad), duration, target)
            parts = [
                lecture.audio[int(c.start * SAMPLE_RATE) : int(c.end * SAMPLE_RATE)] for c in chunks
            ]
            return " ".join(t for texts in pool.map(_run_chunk, chunks, parts) for t in texts)

        text, seconds = timed(go)
    return score(f"ours-{workers}x{threads}", lecture.reference, text, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chunk-seconds", type=float, default=120.0)
    parser.add_argument("--only", default="utterance,fw-seq,fw-batch,ours,ours-par")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--vad", choices=["project", "fw"], default="project")
    parser.add_argument("--workers", type=int, default=2, help="processes for `ours-par`")
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    settings = ModelSettings(beam_size=args.beam)
    lecture = build_lecture(args.seconds)
    rows = []
    if wanted & {"utterance", "fw-seq", "fw-batch"}:
        model = load_model(settings, threads=args.threads)
    if "utterance" in wanted:
        rows.append(run_utterances(model, settings.beam_size))
    if "fw-seq" in wanted:
        text, seconds = timed(
            lambda: " ".join(
                s.text.strip()
                for s in model.transcribe(
                    lecture.audio, language="en", beam_size=settings.beam_size
                )[0]
            )
        )
        rows.append(score("fw-seq", lecture.reference, text, seconds))
    if "fw-batch" in wanted:
        pipeline = BatchedInferencePipeline(model)
        text, seconds = timed(
            lambda: " ".join(
                s.text.strip()
                for s in pipeline.transcribe(
                    lecture.audio, language="en", beam_size=settings.beam_size, batch_size=8
                )[0]
            )
        )
        rows.append(score("fw-batch", lecture.reference, text, seconds))
    if "ours" in wanted:
        transcriber = ChunkTranscriber(settings, threads=args.threads)
        rows.append(run_ours(lecture, transcriber, args.chunk_seconds, args.vad))
    if "ours-par" in wanted:
        threads = max(1, args.threads // args.workers)
        rows.append(
            run_parallel(lecture, args.workers, threads, args.beam, args.chunk_seconds, args.vad)
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
