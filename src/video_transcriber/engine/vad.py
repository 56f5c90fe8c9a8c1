"""Streaming voice activity detection with the Silero VAD ONNX model that faster-whisper ships.

The model scores 512-sample frames (32 ms at 16 kHz); each frame is fed with the last 64 samples
of the frame before it as context, and an LSTM state (`h`, `c`) runs through the whole stream.
faster-whisper scores a whole in-memory array at once; a three-hour lecture would be 690 MB of
float32, so `SpeechDetector` takes the audio as an iterable of blocks of any length instead and
carries the state, the context and the unfinished remainder of a frame from one block to the
next. Memory is bounded by the block size plus one inference batch, whatever the duration.

Frames are sent to ONNX Runtime in batches of exactly `BATCH_FRAMES`, regardless of how the blocks
were cut, so the probabilities for one big array and for the same audio in uneven blocks are
bit-for-bit identical. The session is single-threaded like faster-whisper's: VAD is cheap next to
decoding, and the CPUs belong to the transcription workers.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import onnxruntime

from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.errors import ModelError
from video_transcriber.media.pcm import regroup, to_float32

if TYPE_CHECKING:  # engine.levelling works on this module's frames and imports it
    from video_transcriber.engine.levelling import Leveller

FRAME_SAMPLES = 512
"""Samples per scored frame; the only window size Silero supports at 16 kHz."""
CONTEXT_SAMPLES = 64
"""Samples of the previous frame prepended to each frame, as Silero v5+ expects."""
FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE
"""Seconds per probability: 0.032."""
BATCH_FRAMES = 1024
"""Frames per ONNX call (~33 s of audio, ~2.4 MB of input): large enough to amortise the call
overhead, small enough to keep memory flat."""
STATE_SHAPE = (1, 1, 128)
MODEL_FILE = "silero_vad_v6.onnx"


def default_model_path() -> Path:
    """The Silero VAD model bundled in the faster-whisper wheel.

    Found without importing faster-whisper, which would pull CTranslate2, tokenizers and the
    Hugging Face hub (~50 MB) into the process that only detects speech."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("faster-whisper is not installed; `pip install faster-whisper`.")
    return Path(next(iter(spec.submodule_search_locations))) / "assets" / MODEL_FILE


def _session(path: Path) -> onnxruntime.InferenceSession:
    if not path.is_file():
        raise ModelError(
            f"The voice activity model {path} is missing; reinstall faster-whisper "
            "(`pip install --force-reinstall faster-whisper`) to restore it."
        )
    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"], sess_options=options
    )


def _as_float32(block: np.ndarray) -> np.ndarray:
    array = np.asarray(block)
    if array.ndim != 1:
        raise ValueError(f"audio blocks must be 1-D mono samples, got shape {array.shape}")
    if array.dtype == np.int16:
        return to_float32(array)  # as the PCM file is read back: the same samples either way
    return array.astype(np.float32, copy=False)


def _frames(blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """Regroup blocks of any length into (n, FRAME_SAMPLES) arrays; the tail is zero-padded."""
    remainder = np.zeros(0, dtype=np.float32)
    for block in blocks:
        samples = _as_float32(block)
        if remainder.size:
            samples = np.concatenate([remainder, samples])
        whole = samples.size - samples.size % FRAME_SAMPLES
        if whole:
            yield samples[:whole].reshape(-1, FRAME_SAMPLES)
        remainder = samples[whole:].copy()
    if remainder.size:
        padded = np.zeros(FRAME_SAMPLES, dtype=np.float32)
        padded[: remainder.size] = remainder
        yield padded.reshape(1, FRAME_SAMPLES)


class SpeechDetector:
    """Scores 16 kHz mono audio, 32 ms at a time, with Silero VAD.

    One detector holds one ONNX session and may be reused for many streams: each call to
    `probabilities` / `iter_probabilities` keeps its own state, so calls may even overlap
    (ONNX Runtime sessions are thread-safe).
    """

    def __init__(self, model_path: Path | None = None) -> None:
        self._session = _session(model_path or default_model_path())

    def iter_probabilities(
        self, blocks: Iterable[np.ndarray], *, leveller: Leveller | None = None
    ) -> Iterator[np.ndarray]:
        """Yield speech probabilities batch by batch as the blocks arrive.

        Blocks are float32 in [-1, 1] (int16 is converted); their lengths need not be multiples
        of a frame. The last partial frame is zero-padded, so `ceil(samples / 512)` values come
        out in total. With a `leveller` the frames are levelled before they are scored (it sees
        them in batches of `BATCH_FRAMES` however the blocks were cut, so the result does not
        depend on the cut either) and it keeps each frame's level.
        """
        batches = regroup(_frames(blocks), BATCH_FRAMES)
        if leveller is not None:
            batches = regroup(leveller.level(batches), BATCH_FRAMES)
        h = np.zeros(STATE_SHAPE, dtype=np.float32)
        c = np.zeros(STATE_SHAPE, dtype=np.float32)
        context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        for batch in batches:
            previous_tails = np.concatenate(
                [context[None, :], batch[:-1, -CONTEXT_SAMPLES:]], axis=0
            )
            inputs = np.concatenate([previous_tails, batch], axis=1)
            output, h, c = self._session.run(None, {"input": inputs, "h": h, "c": c})
            context = batch[-1, -CONTEXT_SAMPLES:].copy()
            yield np.asarray(output, dtype=np.float32).reshape(-1)

    def probabilities(
        self, blocks: Iterable[np.ndarray], *, leveller: Leveller | None = None
    ) -> np.ndarray:
        """One speech probability per 512-sample frame (`FRAME_SECONDS` each), as float32."""
        parts = list(self.iter_probabilities(blocks, leveller=leveller))
        if not parts:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(parts)
