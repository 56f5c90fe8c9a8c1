"""Acoustic conditions for robustness tests and benchmarks: pure functions on 16 kHz mono audio.

Every effect takes float32 samples (and a `numpy.random.Generator` where it draws noise) and
returns new samples; nothing here touches files, so tests can check each effect by measurement:
a gain by RMS, a mix by its signal-to-noise ratio, a filter by band energies, a room by its decay.

Levels are dB relative to full scale (a sample value of 1.0) of the RMS. Speech has pauses
inside it, so a speech *level* is measured over active 20 ms frames only (`speech_level_dbfs`,
a simplified ITU-T P.56 active level): a clip with a second of leading silence is as loud as the
same clip without it, and "5 dB SNR" means 5 dB below the speech where there is speech.

Filtering is done in the frequency domain on the whole signal (`numpy.fft`; SciPy is not a
dependency). The signals are utterances of seconds, or a few minutes of background, so one FFT
each is cheap and needs no block edges; filters have raised-cosine edges to avoid ringing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from video_transcriber.domain import SAMPLE_RATE

FRAME_SAMPLES = SAMPLE_RATE // 50
"""20 ms frames for measuring speech activity."""
ACTIVE_RANGE_DB = 30.0
"""Frames more than this far below the loudest (99th percentile) frame count as pauses."""
TELEPHONE_BAND = (300.0, 3400.0)
"""The narrow-band telephone channel (ITU-T G.712)."""
TELEPHONE_RATE = 8000
_EDGE_HZ = 50.0
_HIGH_PASS_HZ = 20.0
_SILENT_DB = -200.0


def power_db(samples: np.ndarray) -> float:
    """Mean power of `samples` in dB (dBFS for audio); -200 for silence."""
    power = float(np.mean(np.square(samples, dtype=np.float64))) if len(samples) else 0.0
    return 10 * np.log10(power) if power > 0 else _SILENT_DB


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS level of the whole signal, pauses included."""
    return power_db(samples)


def speech_level_dbfs(samples: np.ndarray) -> float:
    """Level over active frames: those within `ACTIVE_RANGE_DB` of the loudest frames."""
    count = len(samples) // FRAME_SAMPLES
    if count < 2:
        return rms_dbfs(samples)
    frames = np.asarray(samples[: count * FRAME_SAMPLES], dtype=np.float64)
    power = np.mean(np.square(frames.reshape(count, FRAME_SAMPLES)), axis=1)
    loudest = float(np.percentile(power, 99))
    if loudest <= 0:
        return _SILENT_DB
    active = power[power >= loudest * 10 ** (-ACTIVE_RANGE_DB / 10)]
    return float(10 * np.log10(np.mean(active)))


def with_gain(samples: np.ndarray, gain_db: float) -> np.ndarray:
    """`samples` made `gain_db` louder (negative: quieter)."""
    return (samples * 10 ** (gain_db / 20)).astype(np.float32)


def at_speech_level(samples: np.ndarray, level_dbfs: float) -> np.ndarray:
    """`samples` scaled so that their speech level is `level_dbfs`."""
    return with_gain(samples, level_dbfs - speech_level_dbfs(samples))


def at_rms(samples: np.ndarray, level_dbfs: float) -> np.ndarray:
    """`samples` scaled so that their RMS is `level_dbfs` (for stationary noise)."""
    return with_gain(samples, level_dbfs - rms_dbfs(samples))


def _frequencies(count: int) -> np.ndarray:
    return np.fft.rfftfreq(count, d=1 / SAMPLE_RATE)


def coloured_noise(count: int, rng: np.random.Generator, exponent: float) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (0 white, 1 pink, 2 brown), unit RMS.

    Content below 20 Hz is removed, as any microphone chain does, so brown noise does not
    wander off as a slow offset.
    """
    if count == 0:
        return np.zeros(0, dtype=np.float32)
    spectrum = np.fft.rfft(rng.standard_normal(count))
    freqs = _frequencies(count)
    shape = np.zeros_like(freqs)
    audible = freqs >= _HIGH_PASS_HZ
    shape[audible] = freqs[audible] ** (-exponent / 2)
    noise = np.fft.irfft(spectrum * shape, n=count)
    return at_rms(noise, 0.0)


def pink_noise(count: int, rng: np.random.Generator) -> np.ndarray:
    """Pink noise (equal energy per octave), unit RMS: room tone, ventilation, a busy hall."""
    return coloured_noise(count, rng, 1.0)


def brown_noise(count: int, rng: np.random.Generator) -> np.ndarray:
    """Brown noise (power falls 6 dB per octave), unit RMS: rumble, traffic, wind."""
    return coloured_noise(count, rng, 2.0)


def fit_length(samples: np.ndarray, count: int, offset: int = 0) -> np.ndarray:
    """`samples` looped from `offset` and cut to `count` samples."""
    if len(samples) == 0:
        return np.zeros(count, dtype=np.float32)
    index = (offset + np.arange(count)) % len(samples)
    return np.asarray(samples[index], dtype=np.float32)


def babble(talkers: Sequence[np.ndarray], count: int, rng: np.random.Generator) -> np.ndarray:
    """Several other voices at once, each at the same speech level, looped from a random point
    to `count` samples and summed (a crowd, a class chatting); unit RMS."""
    if not talkers:
        raise ValueError("babble needs at least one talker")
    mixed = np.zeros(count, dtype=np.float64)
    for voice in talkers:
        offset = int(rng.integers(0, max(1, len(voice))))
        mixed += fit_length(at_speech_level(voice, -20.0), count, offset)
    return at_rms(mixed, 0.0)


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """`speech` plus `noise` (cut or looped to its length) scaled so that the speech level is
    `snr_db` above the noise's RMS."""
    noise = fit_length(noise, len(speech))
    scaled = at_rms(noise, speech_level_dbfs(speech) - snr_db)
    return (speech + scaled).astype(np.float32)


def band_pass(
    samples: np.ndarray, low_hz: float, high_hz: float, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """Keep `low_hz`..`high_hz`; raised-cosine edges 50 Hz wide, outside the band."""
    spectrum = np.fft.rfft(np.asarray(samples, dtype=np.float64))
    freqs = np.fft.rfftfreq(len(samples), d=1 / sample_rate)
    gain = np.ones_like(freqs)
    below = (low_hz - freqs) / _EDGE_HZ
    above = (freqs - high_hz) / _EDGE_HZ
    for distance in (below, above):
        edge = (distance > 0) & (distance < 1)
        gain[edge] *= 0.5 * (1 + np.cos(np.pi * distance[edge]))
        gain[distance >= 1] = 0.0
    return np.fft.irfft(spectrum * gain, n=len(samples)).astype(np.float32)


def mu_law(samples: np.ndarray, bits: int = 8) -> np.ndarray:
    """G.711-style companding quantiser: encoded to `bits` bits with mu = 255 and decoded."""
    mu = 255.0
    clipped = np.clip(samples, -1.0, 1.0)
    encoded = np.sign(clipped) * np.log1p(mu * np.abs(clipped)) / np.log1p(mu)
    steps = 2 ** (bits - 1)
    quantised = np.clip(np.round(encoded * steps), -steps, steps - 1) / steps
    return (np.sign(quantised) * np.expm1(np.abs(quantised) * np.log1p(mu)) / mu).astype(np.float32)


def _resample_by_fft(samples: np.ndarray, count: int) -> np.ndarray:
    spectrum = np.fft.rfft(np.asarray(samples, dtype=np.float64))
    bins = count // 2 + 1
    resized = np.zeros(bins, dtype=complex)
    keep = min(bins, len(spectrum))
    resized[:keep] = spectrum[:keep]
    return (np.fft.irfft(resized, n=count) * count / max(1, len(samples))).astype(np.float32)


def telephone(samples: np.ndarray) -> np.ndarray:
    """A telephone channel: 300-3400 Hz band-pass, 8 kHz sampling with 8-bit mu-law, and back to
    16 kHz (band-passed again: the codec's noise is limited to the band too). Same length; the
    speech level is kept."""
    narrow = band_pass(samples, *TELEPHONE_BAND)
    count = round(len(samples) * TELEPHONE_RATE / SAMPLE_RATE)
    scale = 0.5 / max(1e-9, float(np.max(np.abs(narrow)))) if len(narrow) else 1.0
    coded = mu_law(_resample_by_fft(narrow, count) * scale) / scale
    wide = band_pass(_resample_by_fft(coded, len(samples)), *TELEPHONE_BAND)
    return at_speech_level(wide, speech_level_dbfs(samples))


def room_impulse_response(
    rt60: float, rng: np.random.Generator, *, direct_to_reverberant_db: float = 0.0
) -> np.ndarray:
    """A synthetic room: a direct path, then exponentially decaying noise that falls by 60 dB
    over `rt60` seconds (starting 5 ms later), its energy `direct_to_reverberant_db` below the
    direct path's."""
    count = round(rt60 * SAMPLE_RATE)
    t = np.arange(count) / SAMPLE_RATE
    tail = rng.standard_normal(count) * np.exp(-3 * np.log(10) * t / rt60)
    tail[t < 0.005] = 0.0
    tail *= np.sqrt(10 ** (-direct_to_reverberant_db / 10) / np.sum(np.square(tail)))
    tail[0] = 1.0
    return tail.astype(np.float32)


def reverberate(samples: np.ndarray, impulse_response: np.ndarray) -> np.ndarray:
    """`samples` in the room of `impulse_response` (full convolution: the tail rings on after
    the last sample), at the dry signal's speech level."""
    count = len(samples) + len(impulse_response) - 1
    size = 1 << (count - 1).bit_length()
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(impulse_response, size), size)
    return at_speech_level(wet[:count], speech_level_dbfs(samples))


def fade(samples: np.ndarray, seconds: float = 0.02) -> np.ndarray:
    """Raised-cosine fade-in and fade-out of `seconds`, so a cut does not click."""
    out = np.array(samples, dtype=np.float32)
    count = min(len(out) // 2, round(seconds * SAMPLE_RATE))
    if count:
        ramp = (0.5 * (1 - np.cos(np.pi * np.arange(count) / count))).astype(np.float32)
        out[:count] *= ramp
        out[len(out) - count :] *= ramp[::-1]
    return out
