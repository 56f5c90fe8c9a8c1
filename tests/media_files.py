"""Small media files made on the fly for service tests (real speech comes from the corpus)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def write_wav(path: Path, seconds: float = 3.0, rate: int = 16_000) -> Path:
    """A mono 16-bit WAV of a quiet tone with some noise: valid media, `seconds` long."""
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(0)
    signal = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.01 * rng.standard_normal(t.size)
    return write_wav_samples(path, signal, rate)


def write_wav_samples(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    """Mono 16-bit WAV of `samples`: int16 as they are, floats in [-1, 1] scaled."""
    if samples.dtype != np.int16:
        samples = np.clip(samples, -1.0, 1.0) * 32767
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def concat_speech(clips: list[Path], dest: Path, gap_seconds: float = 1.0) -> Path:
    """Decode real-speech clips with PyAV and join them, with silence between, into one WAV."""
    import av

    rate = 16_000
    pieces: list[np.ndarray] = []
    for clip in clips:
        with av.open(str(clip)) as container:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
        pieces.append(np.zeros(int(gap_seconds * rate), dtype=np.int16))
    return write_wav_samples(dest, np.concatenate(pieces).astype(np.int16), rate)


def write_mp4(path: Path, *, seconds: float = 2.0, audio: bool = True, video: bool = True) -> Path:
    """A small MP4 (mpeg4 video, AAC audio) made with PyAV; `audio=False` has no sound track."""
    import av

    rate = 16_000
    with av.open(str(path), "w", format="mp4") as container:
        vstream = container.add_stream("mpeg4", rate=10) if video else None
        astream = container.add_stream("aac", rate=rate) if audio else None
        if vstream is not None:
            vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
            for index in range(int(seconds * 10)):
                image = np.full((48, 64, 3), index * 10 % 255, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                container.mux(vstream.encode(frame))
            container.mux(vstream.encode(None))
        if astream is not None:
            t = np.arange(int(seconds * rate)) / rate
            samples = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
            for start in range(0, samples.size, 1024):
                block = samples[start : start + 1024].reshape(1, -1)
                sound = av.AudioFrame.from_ndarray(block, format="flt", layout="mono")
                sound.sample_rate = rate
                container.mux(astream.encode(sound))
            container.mux(astream.encode(None))
    return path
