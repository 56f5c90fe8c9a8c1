"""In-memory FLAC for shipping chunk audio to remote workers: about half the bytes of raw PCM.

Samples are quantised to int16 exactly as the PCM file stores them, so
`decode_flac(encode_flac(x))` equals `to_float32(to_int16(x))` bit for bit (FLAC is lossless).
"""

from __future__ import annotations

import io

import av
import numpy as np

from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.pcm import to_float32, to_int16

_FRAME_SAMPLES = 4096


def encode_flac(samples: np.ndarray, *, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Mono float32 (in [-1, 1]) or int16 samples as the bytes of a FLAC file."""
    pcm = to_int16(np.asarray(samples).reshape(-1))
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="flac") as container:
        stream = container.add_stream("flac", rate=sample_rate, layout="mono")
        stream.format = "s16"
        for start in range(0, len(pcm), _FRAME_SAMPLES):
            piece = np.ascontiguousarray(pcm[start : start + _FRAME_SAMPLES].astype(np.int16))
            frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = sample_rate
            frame.pts = start
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def decode_flac(data: bytes) -> np.ndarray:
    """The float32 mono samples of a FLAC file made by `encode_flac`."""
    pieces: list[np.ndarray] = []
    with av.open(io.BytesIO(data), mode="r", format="flac") as container:
        stream = container.streams.audio[0]
        for frame in container.decode(stream):
            array = frame.to_ndarray()
            pieces.append(array[0] if array.ndim == 2 else array)
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return to_float32(np.concatenate(pieces).astype(np.int16))
