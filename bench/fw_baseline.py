"""faster-whisper as people use it out of the box: `WhisperModel(...).transcribe(path)`, sequential.

Run in its own process by `run_all.py` so its peak memory can be measured like ours. Prints one
JSON object: the text, the audio duration and the time spent. With `--per-clip`, transcribes each
named corpus clip on its own instead (the per-utterance accuracy ceiling) and prints their texts.
"""

from __future__ import annotations

import argparse
import json
import time

from faster_whisper import WhisperModel

from video_transcriber.engine.model import resolve_model
from video_transcriber.evaluation.corpus import clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("media", nargs="*")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--per-clip", nargs="*", default=None, help="corpus clip names")
    args = parser.parse_args()
    started = time.monotonic()
    model = WhisperModel(
        resolve_model(args.model),
        device="cpu",
        compute_type=args.compute_type,
        cpu_threads=args.threads,
    )
    if args.per_clip is not None:
        texts = {}
        for name in args.per_clip:
            segments, _ = model.transcribe(str(clip(name).path), beam_size=args.beam_size)
            texts[name] = " ".join(segment.text.strip() for segment in segments)
        print(json.dumps({"texts": texts, "seconds": time.monotonic() - started}))
        return
    for path in args.media:
        segments, info = model.transcribe(path, beam_size=args.beam_size)
        text = " ".join(segment.text.strip() for segment in segments)
        print(
            json.dumps(
                {"text": text, "duration": info.duration, "seconds": time.monotonic() - started}
            )
        )


if __name__ == "__main__":
    main()
