"""The encoder's input: 40-band mel power frames, 25 ms windows every 10 ms, at 16 kHz.

Reproduces what Resemblyzer feeds its GE2E encoder (`resemblyzer/audio.py`, `hparams.py`) with
numpy, scipy: `librosa.feature.melspectrogram(y, sr=16000, n_fft=400, hop_length=160, n_mels=40)`,
that is a centred STFT (zero padding of n_fft/2 on both sides, as librosa >= 0.10 does), a periodic
Hann window, power 2 (in single precision with `scipy.fft`, which keeps float32: six times
faster than numpy's float64 FFT here, within 2e-7 of it), and librosa's default Slaney-style mel
filterbank (Slaney's mel scale, each triangle normalised to unit area). The frames are *not*
logged: the encoder was trained on power mels. Loudness matters for that reason, and
`normalize_volume` raises quiet audio to -30 dBFS (never lowers it), as Resemblyzer's
`preprocess_wav` does.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import scipy.fft

SAMPLE_RATE = 16_000
N_FFT = 400
"""25 ms window."""
HOP = 160
"""10 ms step."""
N_MELS = 40
PARTIAL_FRAMES = 160
"""Frames in one partial utterance (1.6 s), the encoder's unit of input."""
TARGET_DBFS = -30.0
"""Resemblyzer's `audio_norm_target_dBFS`."""

_INT16_MAX = 2**15 - 1


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_step = np.log(6.4) / 27.0
    above = hz >= 1000.0
    mel[above] = 15.0 + np.log(hz[above] / 1000.0) / log_step
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_step = np.log(6.4) / 27.0
    above = mel >= 15.0
    hz[above] = 1000.0 * np.exp(log_step * (mel[above] - 15.0))
    return hz


@cache
def mel_filterbank() -> np.ndarray:
    """(N_MELS, N_FFT // 2 + 1) triangles between 0 Hz and 8 kHz, each of unit area."""
    fft_freqs = np.fft.rfftfreq(N_FFT, d=1.0 / SAMPLE_RATE)
    low, high = _hz_to_mel(np.array([0.0, SAMPLE_RATE / 2]))
    edges = _mel_to_hz(np.linspace(low, high, N_MELS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


@cache
def _hann() -> np.ndarray:
    """The periodic Hann window (`scipy.signal.get_window('hann', 400, fftbins=True)`)."""
    return (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """(1 + len(samples) // HOP, N_MELS) float32 mel power frames of 16 kHz mono samples."""
    padded = np.pad(np.asarray(samples, dtype=np.float32), N_FFT // 2)
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(count, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0])
    )
    spectrum = scipy.fft.rfft(frames * _hann(), axis=1)
    power = spectrum.real**2 + spectrum.imag**2
    return np.asarray(power @ mel_filterbank().T, dtype=np.float32)


def normalize_volume(samples: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """`samples` raised (never lowered) so that their RMS is `target_dbfs`."""
    rms = float(np.sqrt(np.mean((np.asarray(samples, dtype=np.float64) * _INT16_MAX) ** 2)))
    if rms == 0.0:
        return samples
    change_db = target_dbfs - 20.0 * np.log10(rms / _INT16_MAX)
    if change_db < 0:
        return samples
    return (samples * np.float32(10 ** (change_db / 20.0))).astype(np.float32)


def partial_starts(num_samples: int, *, rate: float = 1.3, min_coverage: float = 0.75) -> list[int]:
    """First mel frame of each 1.6 s partial of an utterance, as `VoiceEncoder.embed_utterance`
    slices it: one every `1 / rate` seconds, the last dropped when it would hold less than
    `min_coverage` of real audio (unless it is the only one)."""
    n_frames = int(np.ceil((num_samples + 1) / HOP))
    step = int(np.round((SAMPLE_RATE / rate) / HOP))
    starts = list(range(0, max(1, n_frames - PARTIAL_FRAMES + step + 1), step))
    last = starts[-1] * HOP
    coverage = (num_samples - last) / (PARTIAL_FRAMES * HOP)
    if coverage < min_coverage and len(starts) > 1:
        starts = starts[:-1]
    return starts
