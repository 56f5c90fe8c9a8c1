"""Short-term gain control in front of speech detection, and the loudness of every frame.

Silero VAD judges speech partly by level: an utterance 35-40 dB below its neighbours (a question
from the back of the room, a lecturer turned away from the microphone) scores far lower than the
same utterance alone, because the model's state still expects the loud voice (a LibriSpeech
sentence placed 38 dB below the JFK clip: 25% of its frames above 0.5, against 68% at the same
level). So speech detection hears the audio levelled first: each 32 ms frame gets the gain that
brings the loudest frame within `reach_seconds` of it to `target_db`. Taking the loudest frame
nearby keeps the gain steady across a sentence's soft syllables and short pauses, and keeps a
pause beside speech at that speech's gain instead of blowing it up.

A long stretch with no signal must not be amplified into loud noise, so the gain never treats a
stretch as quieter than the noise floor plus `floor_margin_db`: noise 70 dB down is raised at
most by `target_db - floor - margin`, a quiet voice 10 dB above that floor nearly to the target.
The floor is the `floor_percentile` of frame levels seen so far (a 1 dB histogram: constant
memory for any duration).

The gain is linearly interpolated between frame centres, so levelling adds no clicks. The same
pass records each frame's level (dBFS) before gain: the non-speech audit (`engine.audit`) uses it
to find stretches detection rejected that still hold signal above the floor. Frames are
processed in order with `reach_seconds` of look-ahead, so memory stays flat in duration.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from video_transcriber.engine.vad import FRAME_SAMPLES, FRAME_SECONDS

SILENCE_DB = -120.0
"""The level given to digital silence (a frame of zeros)."""
_HISTOGRAM_BINS = np.arange(SILENCE_DB, 1.0, 1.0)


@dataclass(frozen=True, slots=True)
class LevelOptions:
    """How audio is levelled before speech detection."""

    target_db: float = -20.0
    """Level the loudest frame near any moment is brought to (dBFS)."""
    max_gain_db: float = 45.0
    """Most gain applied anywhere: a -65 dBFS voice still reaches the target."""
    min_gain_db: float = -10.0
    """Most attenuation: loud recordings are brought down a little, never squashed."""
    reach_seconds: float = 0.75
    """How far (each side) the loudest nearby frame is looked for."""
    floor_margin_db: float = 15.0
    """A stretch is never levelled as if it were quieter than the noise floor plus this."""
    floor_percentile: float = 10.0
    """Which percentile of frame levels is the noise floor."""


def frame_levels(frames: np.ndarray) -> np.ndarray:
    """RMS level in dBFS of each row of `frames` (n, FRAME_SAMPLES); silence is `SILENCE_DB`."""
    power = np.mean(np.square(frames, dtype=np.float64), axis=1)
    with np.errstate(divide="ignore"):
        levels = 10.0 * np.log10(power)
    return np.maximum(levels, SILENCE_DB)


class FloorTracker:
    """The noise floor of the frames seen so far: a percentile of their levels (1 dB bins)."""

    def __init__(self, percentile: float) -> None:
        self._percentile = percentile
        self._counts = np.zeros(_HISTOGRAM_BINS.size, dtype=np.int64)

    def add(self, levels: np.ndarray) -> None:
        bins = np.clip(np.floor(levels - SILENCE_DB).astype(np.int64), 0, self._counts.size - 1)
        self._counts += np.bincount(bins, minlength=self._counts.size)

    @property
    def floor(self) -> float:
        total = int(self._counts.sum())
        if not total:
            return SILENCE_DB
        rank = self._percentile / 100.0 * total
        index = int(np.searchsorted(np.cumsum(self._counts), max(rank, 1)))
        return float(_HISTOGRAM_BINS[min(index, _HISTOGRAM_BINS.size - 1)])


class Leveller:
    """Levels a stream of frames for speech detection and keeps every frame's level.

    `level(frames)` takes arrays of shape (n, FRAME_SAMPLES) and yields the same frames, in
    order, with gain applied; afterwards `levels` holds one dBFS value per frame (before gain)
    and `floor` the recording's noise floor.
    """

    def __init__(self, options: LevelOptions | None = None) -> None:
        self.options = options or LevelOptions()
        self._reach = max(1, round(self.options.reach_seconds / FRAME_SECONDS))
        self._tracker = FloorTracker(self.options.floor_percentile)
        self._levels: list[np.ndarray] = []

    @property
    def levels(self) -> np.ndarray:
        if not self._levels:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self._levels).astype(np.float32)

    @property
    def floor(self) -> float:
        return self._tracker.floor

    def level(self, batches: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """The frames of `batches` with gain applied, `reach_seconds` behind the input."""
        frames = np.zeros((0, FRAME_SAMPLES), dtype=np.float32)
        levels = np.zeros(0, dtype=np.float64)
        done = 0  # frames of `frames` already yielded; kept `reach` of them for context
        for batch in batches:
            batch_levels = frame_levels(batch)
            self._levels.append(batch_levels)
            self._tracker.add(batch_levels)
            frames = np.concatenate([frames, batch.astype(np.float32, copy=False)])
            levels = np.concatenate([levels, batch_levels])
            ready = frames.shape[0] - self._reach
            if ready > done:
                yield self._apply(frames, levels, done, ready)
                keep = max(0, ready - self._reach)
                frames, levels, done = frames[keep:], levels[keep:], ready - keep
        if frames.shape[0] > done:
            yield self._apply(frames, levels, done, frames.shape[0])

    def _apply(self, frames: np.ndarray, levels: np.ndarray, first: int, stop: int) -> np.ndarray:
        """Frames `first:stop` levelled, looking `reach` frames around each (as far as known)."""
        gains = self._gains_db(levels)
        # Gain per sample, interpolated between frame centres (one extra frame each side).
        lo, hi = max(0, first - 1), min(len(gains), stop + 1)
        centres = (np.arange(lo, hi) + 0.5) * FRAME_SAMPLES
        samples = np.arange(first * FRAME_SAMPLES, stop * FRAME_SAMPLES) + 0.5
        gain = 10.0 ** (np.interp(samples, centres, gains[lo:hi]) / 20.0)
        out = frames[first:stop].reshape(-1) * gain
        return np.clip(out, -1.0, 1.0).astype(np.float32).reshape(-1, FRAME_SAMPLES)

    def _gains_db(self, levels: np.ndarray) -> np.ndarray:
        o = self.options
        padded = np.pad(levels, self._reach, constant_values=SILENCE_DB)
        nearby = np.lib.stride_tricks.sliding_window_view(padded, 2 * self._reach + 1).max(axis=1)
        effective = np.maximum(nearby, self._tracker.floor + o.floor_margin_db)
        return np.clip(o.target_db - effective, o.min_gain_db, o.max_gain_db)
