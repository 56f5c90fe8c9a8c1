"""The recording tests and benchmarks calibrate on, generated from the real-speech corpus.

The package ships no audio: calibration takes its speech from a recording on the machine
(`calibration.sample`). Tests and benchmarks point it at this file: the LJSpeech utterances
LJ001-0001, -0003, -0005 and -0007 from `../shared/data/speech`, joined with 0.7 s pauses
(37.9 s of read English), written losslessly as FLAC.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.corpus import clip
from testkit.evaluation.lecture import CONTAINERS, clip_samples
from video_transcriber.domain import SAMPLE_RATE

CLIPS = ("LJ001-0001", "LJ001-0003", "LJ001-0005", "LJ001-0007")
PAUSE_SECONDS = 0.7


def write_calibration_sample(out: Path) -> Path:
    """Write the sample to `out` (a `.flac` path) once; later calls reuse it."""
    if out.is_file():
        return out
    pause = np.zeros(int(PAUSE_SECONDS * SAMPLE_RATE), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for name in CLIPS:
        pieces += [clip_samples(clip(f"ljspeech_{name}.wav")), pause]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}.part{out.suffix}")
    write_samples(np.concatenate(pieces[:-1]), partial, CONTAINERS["flac"])
    partial.rename(out)
    return out
