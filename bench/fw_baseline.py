"""faster-whisper as people use it out of the box: `WhisperModel(...).transcribe(path)`, sequential.

Run in its own process by `run_all.py` and `robustness.py` so its peak memory can be measured
like ours. Prints one JSON object per media file: the text, the audio duration and the time spent.
Modes:

* default — `WhisperModel.transcribe(path)` with its defaults (no VAD filter, conditioned on
  previous text);
* `--batched N` — `BatchedInferencePipeline(model).transcribe(path, batch_size=N)` with its
  defaults (Silero VAD on, which its batching needs);
* `--per-clip NAME...` — each named corpus clip transcribed on its own (the per-utterance
  accuracy ceiling); prints their texts;
* `--spans FILE` — the one media file decoded once and every `[start, end]` span (seconds) of
  the JSON list in FILE transcribed on its own: the ceiling for utterances processed in place.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

from testkit.evaluation.corpus import clip
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.engine.model import resolve_model


def _text(segments: Any) -> str:
    return " ".join(segment.text.strip() for segment in segments)


def per_clip(model: WhisperModel, names: list[str], beam: int) -> dict[str, str]:
    texts = {}
    for name in names:
        segments, _ = model.transcribe(str(clip(name).path), beam_size=beam)
        texts[name] = _text(segments)
    return texts


def per_span(model: WhisperModel, media: str, spans_file: str, beam: int) -> list[str]:
    audio = decode_audio(media, sampling_rate=SAMPLE_RATE)
    texts = []
    for start, end in json.loads(Path(spans_file).read_text()):
        piece = audio[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
        segments, _ = model.transcribe(piece, beam_size=beam)
        texts.append(_text(segments))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("media", nargs="*")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batched", type=int, default=0, metavar="N", help="batch size")
    parser.add_argument("--per-clip", nargs="*", default=None, help="corpus clip names")
    parser.add_argument("--spans", help="JSON file of [start, end] seconds in the one media")
    args = parser.parse_args()
    started = time.monotonic()
    model = WhisperModel(
        resolve_model(args.model),
        device="cpu",
        compute_type=args.compute_type,
        cpu_threads=args.threads,
    )
    if args.per_clip is not None:
        texts = per_clip(model, args.per_clip, args.beam_size)
        print(json.dumps({"texts": texts, "seconds": time.monotonic() - started}))
        return
    if args.spans:
        (media,) = args.media
        spanned = per_span(model, media, args.spans, args.beam_size)
        print(json.dumps({"texts": spanned, "seconds": time.monotonic() - started}))
        return
    pipeline = BatchedInferencePipeline(model) if args.batched else None
    for path in args.media:
        if pipeline is not None:
            segments, info = pipeline.transcribe(
                path, beam_size=args.beam_size, batch_size=args.batched
            )
        else:
            segments, info = model.transcribe(path, beam_size=args.beam_size)
        text = _text(segments)
        print(
            json.dumps(
                {"text": text, "duration": info.duration, "seconds": time.monotonic() - started}
            )
        )


if __name__ == "__main__":
    main()
