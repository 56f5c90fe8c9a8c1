"""The rolling audio buffer of one stream: int16 little-endian bytes in, float32 samples out.

Clients send frames of any size, even an odd number of bytes (a sample split across two
frames), so the buffer keeps the dangling byte for the next frame. It holds only the audio
not yet committed: `trim(t)` drops everything before stream time `t`, and `offset` says where
the held audio starts, so a decode of `samples` maps back to stream time by adding `offset`.
"""

from __future__ import annotations

import numpy as np

from video_transcriber.domain import SAMPLE_RATE

_INT16_LE = np.dtype("<i2")


class PcmBuffer:
    """Audio from stream time `offset` to `end`, as float32 in [-1, 1)."""

    def __init__(self) -> None:
        self._samples = np.zeros(0, dtype=np.float32)
        self._dangling = b""
        self._start = 0
        """Index in the stream of the buffer's first sample."""
        self.received = 0
        """Samples received since the stream began."""

    def append(self, data: bytes) -> np.ndarray:
        """Add PCM bytes; returns the whole new samples (float32) they completed."""
        data = self._dangling + data
        whole = len(data) - len(data) % 2
        self._dangling = data[whole:]
        new = np.frombuffer(data[:whole], dtype=_INT16_LE).astype(np.float32) / 32768.0
        if new.size:
            self._samples = np.concatenate([self._samples, new])
            self.received += new.size
        return new

    @property
    def offset(self) -> float:
        """Stream time of the first held sample."""
        return self._start / SAMPLE_RATE

    @property
    def end(self) -> float:
        """Stream time of the end of the held audio (all audio received so far)."""
        return self.received / SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return self._samples.size / SAMPLE_RATE

    def samples(self, until: float | None = None) -> np.ndarray:
        """The held audio, up to stream time `until` (all of it when None)."""
        if until is None:
            return self._samples
        stop = max(0, round(until * SAMPLE_RATE) - self._start)
        return self._samples[:stop]

    def trim(self, time: float) -> None:
        """Drop the audio before stream time `time` (clamped to what is held)."""
        cut = min(max(0, round(time * SAMPLE_RATE) - self._start), self._samples.size)
        if cut:
            self._samples = self._samples[cut:].copy()
            self._start += cut
