"""Where utterances end, from Silero's frame probabilities as they arrive (pure).

The same hysteresis as `segmentation.speech`: speech opens at a frame reaching `threshold` and
continues through frames above `threshold - 0.15`. An utterance closes once `end_silence`
seconds in a row stay below that; its end is the end of its last speech frame. That close is
what turns a stream's whole pending hypothesis into final text. Bursts shorter than
`min_speech` (a click, a cough) close without being reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_SECONDS = 0.032
NEG_THRESHOLD_OFFSET = 0.15


@dataclass(slots=True)
class Endpointer:
    threshold: float = 0.5
    end_silence: float = 0.4
    min_speech: float = 0.25
    frame_seconds: float = FRAME_SECONDS
    frames: int = 0
    """Frames seen; the next frame starts at `frames * frame_seconds`."""
    speech_start: float | None = None
    """Start of the open utterance, None in silence."""
    last_speech_end: float = 0.0
    """End of the latest speech frame (open or closed utterance)."""

    @property
    def in_speech(self) -> bool:
        return self.speech_start is not None

    @property
    def time(self) -> float:
        """Stream time up to which frames were judged."""
        return self.frames * self.frame_seconds

    def push(self, probabilities: np.ndarray) -> list[tuple[float, float]]:
        """Judge more frames; (start, end) of each utterance they close, in order."""
        closed: list[tuple[float, float]] = []
        low = max(self.threshold - NEG_THRESHOLD_OFFSET, 0.01)
        for probability in np.asarray(probabilities, dtype=np.float64):
            start = self.frames * self.frame_seconds
            self.frames += 1
            if self.speech_start is None:
                if probability >= self.threshold:
                    self.speech_start = start
                    self.last_speech_end = start + self.frame_seconds
                continue
            if probability >= low:
                self.last_speech_end = start + self.frame_seconds
            elif start + self.frame_seconds - self.last_speech_end >= self.end_silence:
                if self.last_speech_end - self.speech_start >= self.min_speech:
                    closed.append((self.speech_start, self.last_speech_end))
                self.speech_start = None
        return closed

    def flush(self) -> tuple[float, float] | None:
        """Close the open utterance at the end of the stream."""
        if self.speech_start is None:
            return None
        span = (self.speech_start, self.last_speech_end)
        self.speech_start = None
        return span if span[1] - span[0] >= self.min_speech else None
