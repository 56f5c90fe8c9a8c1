"""The decoded audio on disk: raw little-endian int16, 16 kHz mono, read by time range.

A raw file rather than WAV so that any process (a pool worker, a remote worker with shared
storage) can seek straight to a chunk: sample `i` is at byte `2 * i`. Reads open the file,
seek and read only the slice asked for, so nothing holds the whole decoded audio in memory
and no file handle outlives a call (safe across `fork`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from video_transcriber.domain import SAMPLE_RATE

_DTYPE = np.dtype("<i2")
_SCALE = 32768.0


def regroup(arrays: Iterable[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """The rows of `arrays`, end to end, re-cut into arrays of `size` rows (the last may be
    shorter): decoded frames into fixed blocks, VAD frames into fixed batches."""
    pending: list[np.ndarray] = []
    held = 0
    for array in arrays:
        pending.append(array)
        held += array.shape[0]
        while held >= size:
            joined = np.concatenate(pending) if len(pending) > 1 else pending[0]
            rest = joined[size:]
            pending, held = ([rest], rest.shape[0]) if rest.shape[0] else ([], 0)
            yield joined[:size]
    if held:
        yield np.concatenate(pending) if len(pending) > 1 else pending[0]


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Quantise float audio in [-1, 1] to int16 (the inverse of `to_float32`); int16 passes."""
    if samples.dtype == np.int16:
        return samples.astype(_DTYPE, copy=False)
    scaled = np.rint(np.asarray(samples, dtype=np.float32) * _SCALE)
    return np.clip(scaled, -32768, 32767).astype(_DTYPE)


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int16 samples as float32 in [-1, 1)."""
    return samples.astype(np.float32) / np.float32(_SCALE)


class PcmAudio:
    """A raw int16 16 kHz mono file, addressed in seconds."""

    sample_rate = SAMPLE_RATE

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"decoded audio '{self.path}' does not exist")

    def __repr__(self) -> str:
        return f"PcmAudio({str(self.path)!r}, duration={self.duration:.3f})"

    @property
    def num_samples(self) -> int:
        return self.path.stat().st_size // _DTYPE.itemsize

    @property
    def duration(self) -> float:
        return self.num_samples / SAMPLE_RATE

    def read_samples(self, first: int, last: int) -> np.ndarray:
        """Samples `[first, last)` as float32, clipped to the file."""
        total = self.num_samples
        first, last = max(0, first), min(total, last)
        if last <= first:
            return np.zeros(0, dtype=np.float32)
        with self.path.open("rb") as handle:
            handle.seek(first * _DTYPE.itemsize)
            raw = handle.read((last - first) * _DTYPE.itemsize)
        return to_float32(np.frombuffer(raw, dtype=_DTYPE))

    def read(self, start: float, end: float) -> np.ndarray:
        """The audio from `start` to `end` seconds as float32, clipped to the file."""
        return self.read_samples(round(start * SAMPLE_RATE), round(end * SAMPLE_RATE))

    def iter_blocks(self, block_seconds: float = 30.0) -> Iterator[np.ndarray]:
        """The whole file as consecutive float32 blocks of `block_seconds` (the last shorter)."""
        if block_seconds <= 0:
            raise ValueError("block_seconds must be positive")
        block_bytes = max(1, round(block_seconds * SAMPLE_RATE)) * _DTYPE.itemsize
        with self.path.open("rb") as handle:
            while raw := handle.read(block_bytes):
                usable = len(raw) - len(raw) % _DTYPE.itemsize
                if usable:
                    yield to_float32(np.frombuffer(raw[:usable], dtype=_DTYPE))
