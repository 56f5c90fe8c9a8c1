"""Silero VAD for audio that arrives a few milliseconds at a time (live streams).

`engine.vad.SpeechDetector` scores in fixed batches of `BATCH_FRAMES` (~33 s), which is right for
files and useless for a microphone: a live stream needs each 32 ms frame's probability as soon
as the frame is complete. `StreamingVad` keeps the same per-stream state the batch detector
carries (LSTM `h`/`c`, the 64-sample context, the unfinished remainder of a frame) and scores
whatever whole frames each `feed` completes. The ONNX session is shared by every stream
(ONNX Runtime sessions are thread-safe); each stream holds only its own few hundred floats.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime

from video_transcriber.engine.vad import (
    CONTEXT_SAMPLES,
    FRAME_SAMPLES,
    STATE_SHAPE,
    _session,
    default_model_path,
)


class VadModel:
    """One loaded Silero session; `stream()` makes a scorer with its own state."""

    def __init__(self, model_path: Path | None = None) -> None:
        self._session: onnxruntime.InferenceSession = _session(model_path or default_model_path())

    def stream(self) -> StreamingVad:
        return StreamingVad(self._session)


class StreamingVad:
    """Scores one stream's 16 kHz float32 audio, frame by frame, as it arrives."""

    def __init__(self, session: onnxruntime.InferenceSession) -> None:
        self._session = session
        self._h = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._remainder = np.zeros(0, dtype=np.float32)
        self.frames = 0
        """Frames scored so far (frame `i` covers samples `512 i .. 512 (i + 1)`)."""

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """The probabilities of the frames `samples` completes (possibly none)."""
        joined = np.concatenate([self._remainder, np.asarray(samples, dtype=np.float32)])
        whole = joined.size - joined.size % FRAME_SAMPLES
        self._remainder = joined[whole:].copy()
        if not whole:
            return np.zeros(0, dtype=np.float32)
        batch = joined[:whole].reshape(-1, FRAME_SAMPLES)
        tails = np.concatenate([self._context[None, :], batch[:-1, -CONTEXT_SAMPLES:]], axis=0)
        inputs = np.concatenate([tails, batch], axis=1)
        output, self._h, self._c = self._session.run(
            None, {"input": inputs, "h": self._h, "c": self._c}
        )
        self._context = batch[-1, -CONTEXT_SAMPLES:].copy()
        self.frames += batch.shape[0]
        return np.asarray(output, dtype=np.float32).reshape(-1)
