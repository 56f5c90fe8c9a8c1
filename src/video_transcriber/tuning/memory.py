"""How much memory one transcription worker needs, by model.

Each worker process loads its own copy of the model, so memory, not CPUs, is what limits the
worker count for the larger models. The figures are resident set sizes of a worker process with
the model loaded and decoding (CTranslate2 runtime, weights, decoder caches, a chunk of audio).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MB = 1024**2

MODEL_MEMORY_BYTES: dict[str, int] = {
    "tiny": 450 * MB,
    "base": 640 * MB,
    "small": 1000 * MB,
    "medium": 1600 * MB,
    "distil": 1800 * MB,
    "turbo": 1800 * MB,
    "large": 3500 * MB,
}
"""Approximate RSS of one worker at int8, by model family (matched as a word in the model name,
first match in this order, so `distil-large-v3` and `large-v3-turbo` count as the lighter
distilled / 4-decoder-layer models, not as `large`). tiny is measured: a worker's peak RSS is
315-382 MB decoding 4 windows at beam 5 on 10- and 60-minute lectures (model ~145 MB once
loaded, ~250 MB while loading, the rest decoding buffers; was 420-440 MB before word alignment
went window by window and `engine.heap`), kept at 450 MB for headroom. base (the bundled
multilingual model) is measured too: a worker's peak RSS was 487 MB on a 177 s German chunk
and 534 MB on a 105 s English one (one thread, beam 5, batch 4; ~350 MB once loaded, against
248 MB for tiny.en in the same run), kept at 640 MB with the same headroom. The others are
scaled from these and rougher."""

UNKNOWN_MODEL_BYTES = MODEL_MEMORY_BYTES["large"]
"""A name we cannot place is assumed to be as large as the largest model: better too few
workers than an out-of-memory kill."""

LOCAL_MODEL_FACTOR = 1.5
"""A local model directory: its `model.bin` times this (weights plus decoder working memory) ..."""
LOCAL_MODEL_OVERHEAD_BYTES = 100 * MB
"""... plus this for the CTranslate2 runtime and the chunk audio."""

COMPUTE_TYPE_FACTOR: dict[str, float] = {
    "int8": 1.0,
    "int8_float32": 1.0,
    "int8_float16": 1.0,
    "int8_bfloat16": 1.0,
    "float16": 1.8,
    "bfloat16": 1.8,
    "float32": 3.0,
}
"""The table above is for int8 weights; 16-bit weights take about twice the weight memory and
float32 about four times, diluted by the runtime overhead that does not grow."""


@dataclass(frozen=True, slots=True)
class ModelMemory:
    """Estimated bytes per worker and how the estimate was made."""

    bytes: int
    basis: str


def estimate_model_memory(
    name: str, compute_type: str = "int8", *, model_bin_bytes: int | None = None
) -> ModelMemory:
    """Per-worker memory for model `name` (pure).

    `model_bin_bytes` is the size of a local model directory's `model.bin`; when given it wins
    over the name table. `local_model_bin_bytes` finds it for a directory path.
    """
    factor = COMPUTE_TYPE_FACTOR.get(compute_type, 1.0)
    if model_bin_bytes is not None:
        size = int(model_bin_bytes * LOCAL_MODEL_FACTOR + LOCAL_MODEL_OVERHEAD_BYTES)
        return ModelMemory(size, f"model.bin is {model_bin_bytes / MB:.0f} MB")
    words = set(re.split(r"[^a-z0-9]+", Path(name).name.lower()))
    for family, size in MODEL_MEMORY_BYTES.items():
        if family in words:
            return ModelMemory(int(size * factor), f"a {family} model at {compute_type}")
    return ModelMemory(
        int(UNKNOWN_MODEL_BYTES * factor),
        f"an unrecognised model name '{name}', assumed as large as large-v3",
    )


def local_model_bin_bytes(name: str) -> int | None:
    """Size of `<name>/model.bin` if `name` is a local model directory, else None."""
    path = Path(name).expanduser() / "model.bin"
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None
