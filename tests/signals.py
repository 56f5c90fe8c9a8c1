"""Test signals around real speech: levels, pink noise, synthetic music, WAV files from arrays.

Speech always comes from the corpus; only what surrounds it (noise, music, gain) is made here.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from faster_whisper import decode_audio

from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.evaluation.corpus import Clip


def clip_samples(clip: Clip) -> np.ndarray:
    """A corpus clip as 16 kHz mono float32."""
    return decode_audio(str(clip.path), sampling_rate=SAMPLE_RATE)


def level_db(samples: np.ndarray) -> float:
    """RMS level in dBFS."""
    return float(10 * np.log10(np.mean(np.square(samples, dtype=np.float64)) + 1e-20))


def at_level(samples: np.ndarray, db: float) -> np.ndarray:
    """`samples` scaled to an RMS of `db` dBFS."""
    return (samples * 10 ** ((db - level_db(samples)) / 20)).astype(np.float32)


def pink_noise(seconds: float, db: float, seed: int = 0) -> np.ndarray:
    """Pink (1/f) noise at `db` dBFS."""
    n = int(seconds * SAMPLE_RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(spectrum.size), 1))
    return at_level(np.fft.irfft(spectrum, n), db)


def music(seconds: float, db: float, seed: int = 0) -> np.ndarray:
    """Plucked chords of harmonic tones, two a second, at `db` dBFS."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    step = SAMPLE_RATE // 2
    t = np.arange(step) / SAMPLE_RATE
    out = np.zeros(n)
    for first in range(0, n, step):
        root = rng.choice([196.0, 220.0, 262.0, 294.0, 330.0])
        note = np.zeros(step)
        for ratio in (1.0, 1.26, 1.5):
            for harmonic, weight in ((1, 1.0), (2, 0.5), (3, 0.3)):
                note += weight * np.sin(2 * np.pi * root * ratio * harmonic * t)
        stop = min(n, first + step)
        out[first:stop] = (note * np.exp(-4 * t))[: stop - first]
    return at_level(out, db)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def write_wav_samples(path: Path, samples: np.ndarray) -> Path:
    """16 kHz mono 16-bit WAV of float samples in [-1, 1]."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return path
