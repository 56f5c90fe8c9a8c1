"""Acoustic conditions, checked by measurement: levels, SNR, band energies, room decay."""

from __future__ import annotations

import numpy as np
import pytest

from testkit.evaluation import conditions as fx
from video_transcriber.domain import SAMPLE_RATE


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _speechlike(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Syllable-rate bursts of a harmonic tone with pauses: a stand-in for speech."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tone = sum(np.sin(2 * np.pi * k * 140 * t) / k for k in range(1, 12))
    bursts = np.clip(np.sin(2 * np.pi * 3 * t), 0, None)
    noise = _rng(seed).normal(0, 0.01, len(t))
    return (0.1 * tone * bursts + noise * bursts).astype(np.float32)


def _band_db(samples: np.ndarray, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    return float(10 * np.log10(np.sum(spectrum[(freqs >= low) & (freqs < high)]) + 1e-30))


def test_gain_lowers_rms_by_exactly_that() -> None:
    speech = _speechlike()
    quiet = fx.with_gain(speech, -35.0)
    assert fx.rms_dbfs(speech) - fx.rms_dbfs(quiet) == pytest.approx(35.0, abs=0.01)
    assert fx.speech_level_dbfs(speech) - fx.speech_level_dbfs(quiet) == pytest.approx(35, abs=0.01)


def test_speech_level_ignores_pauses() -> None:
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)
    padded = np.concatenate([np.zeros(SAMPLE_RATE), tone, np.zeros(2 * SAMPLE_RATE)])
    assert fx.speech_level_dbfs(padded) == pytest.approx(fx.rms_dbfs(tone), abs=0.1)
    assert fx.rms_dbfs(padded) == pytest.approx(fx.rms_dbfs(tone) - 6.02, abs=0.1)
    assert fx.speech_level_dbfs(fx.at_speech_level(padded, -23.0)) == pytest.approx(-23, abs=0.01)


@pytest.mark.parametrize("snr", [5.0, 8.5, 12.0])
def test_pink_noise_mix_has_the_requested_snr(snr: float) -> None:
    speech = _speechlike()
    mixed = fx.mix_at_snr(speech, fx.pink_noise(len(speech), _rng()), snr)
    measured = fx.speech_level_dbfs(speech) - fx.rms_dbfs(mixed - speech)
    assert measured == pytest.approx(snr, abs=0.5)


def test_babble_is_other_voices_at_the_requested_snr() -> None:
    speech = _speechlike(seed=0)
    talkers = [_speechlike(2.0 + k / 3, seed=k) for k in range(1, 6)]
    crowd = fx.babble(talkers, len(speech), _rng())
    assert fx.rms_dbfs(crowd) == pytest.approx(0.0, abs=0.01)
    mixed = fx.mix_at_snr(speech, crowd, 6.0)
    assert fx.speech_level_dbfs(speech) - fx.rms_dbfs(mixed - speech) == pytest.approx(6, abs=0.5)
    with pytest.raises(ValueError, match="at least one talker"):
        fx.babble([], 10, _rng())


def test_pink_is_flat_per_octave_and_brown_falls_3_db_per_octave() -> None:
    count = 20 * SAMPLE_RATE
    pink, brown = fx.pink_noise(count, _rng(1)), fx.brown_noise(count, _rng(2))
    assert fx.rms_dbfs(pink) == pytest.approx(0, abs=0.01)
    low, high = (250, 500), (2000, 4000)  # three octaves apart
    assert _band_db(pink, *low) - _band_db(pink, *high) == pytest.approx(0, abs=1.0)
    assert _band_db(brown, *low) - _band_db(brown, *high) == pytest.approx(9, abs=1.0)
    assert _band_db(brown, 0, 15) < _band_db(brown, 20, 40) - 40  # no slow drift


def test_band_pass_removes_energy_outside_the_band() -> None:
    white = _rng(3).standard_normal(5 * SAMPLE_RATE).astype(np.float32)
    narrow = fx.band_pass(white, 300, 3400)
    assert _band_db(white, 20, 250) - _band_db(narrow, 20, 250) > 60
    assert _band_db(white, 3450, 8000) - _band_db(narrow, 3450, 8000) > 60
    assert _band_db(narrow, 500, 3000) == pytest.approx(_band_db(white, 500, 3000), abs=0.1)


def test_telephone_keeps_the_band_the_level_and_the_length() -> None:
    speech = _speechlike(4.0)
    phone = fx.telephone(speech)
    assert len(phone) == len(speech)
    assert fx.speech_level_dbfs(phone) == pytest.approx(fx.speech_level_dbfs(speech), abs=0.01)
    assert _band_db(phone, 20, 250) < _band_db(phone, 300, 3400) - 40
    assert _band_db(phone, 3500, 8000) < _band_db(phone, 300, 3400) - 40
    reference = fx.band_pass(fx.band_pass(speech, 300, 3400), 300, 3400)  # filtered twice too
    correlation = np.corrcoef(reference, phone)[0, 1]
    assert correlation > 0.999  # 8-bit mu-law: about 38 dB SNR


def test_mu_law_quantises_to_256_levels() -> None:
    ramp = np.linspace(-1, 1, 100_000)
    assert len(np.unique(fx.mu_law(ramp))) <= 256
    inside = np.abs(ramp) <= 0.95  # the top step is clipped to 127 like G.711's
    error = np.abs(fx.mu_law(ramp) - ramp)[inside]
    assert np.all(error <= 0.025 * np.abs(ramp[inside]) + 1e-3)  # logarithmic steps


@pytest.mark.parametrize("rt60", [0.5, 0.8])
def test_room_impulse_response_decays_60_db_over_rt60(rt60: float) -> None:
    ir = fx.room_impulse_response(rt60, _rng(), direct_to_reverberant_db=0.0)
    assert len(ir) == round(rt60 * SAMPLE_RATE)
    tail = ir[1:].astype(np.float64)
    assert 10 * np.log10(np.sum(tail**2) / ir[0] ** 2) == pytest.approx(0.0, abs=0.01)
    # Schroeder backward integration; the T20 slope (-5 to -25 dB) extrapolated to -60 dB
    decay = 10 * np.log10(np.cumsum(tail[::-1] ** 2)[::-1] / np.sum(tail**2))
    t5, t25 = (np.argmax(decay <= -level) / SAMPLE_RATE for level in (5, 25))
    assert 3 * (t25 - t5) == pytest.approx(rt60, rel=0.1)


def test_reverberation_rings_on_at_the_same_level() -> None:
    speech = _speechlike(2.0)
    ir = fx.room_impulse_response(0.6, _rng())
    wet = fx.reverberate(speech, ir)
    assert len(wet) == len(speech) + len(ir) - 1
    assert fx.speech_level_dbfs(wet) == pytest.approx(fx.speech_level_dbfs(speech), abs=0.01)
    assert fx.rms_dbfs(wet[len(speech) : len(speech) + 1600]) > fx.rms_dbfs(speech) - 30


def test_fade_ramps_both_ends() -> None:
    faded = fx.fade(np.ones(SAMPLE_RATE, dtype=np.float32), 0.02)
    assert faded[0] == 0.0 and faded[-1] == pytest.approx(0.0, abs=1e-3)
    assert faded[SAMPLE_RATE // 2] == 1.0 and faded[160] == pytest.approx(0.5, abs=0.01)
