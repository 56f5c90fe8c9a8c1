"""Synthetic noise and music: seeded, never silent, in range, and made of different sections."""

from __future__ import annotations

import numpy as np
import pytest

from testkit.evaluation import nonspeech
from testkit.evaluation.conditions import rms_dbfs
from video_transcriber.domain import SAMPLE_RATE


@pytest.fixture(scope="module")
def sound() -> np.ndarray:
    return nonspeech.noise_and_music(60.0, seed=5)


def test_length_range_and_seed(sound: np.ndarray) -> None:
    assert len(sound) == 60 * SAMPLE_RATE and sound.dtype == np.float32
    assert np.max(np.abs(sound)) <= 1.0
    assert np.array_equal(sound, nonspeech.noise_and_music(60.0, seed=5))
    assert not np.array_equal(sound, nonspeech.noise_and_music(60.0, seed=6))


def test_never_digital_silence_and_levels_vary(sound: np.ndarray) -> None:
    seconds = [rms_dbfs(sound[i : i + SAMPLE_RATE]) for i in range(0, len(sound), SAMPLE_RATE)]
    assert min(seconds) >= nonspeech.FLOOR_DBFS - 3
    assert max(seconds) <= -15
    assert max(seconds) - min(seconds) > 15  # loud music and quiet room both occur


@pytest.mark.parametrize("section", nonspeech.SECTIONS, ids=lambda s: s.__name__)
def test_every_section_has_a_lecture_hall_level(section: nonspeech.Section) -> None:
    piece = section(4 * SAMPLE_RATE, np.random.default_rng(0))
    assert len(piece) == 4 * SAMPLE_RATE
    assert -63 <= rms_dbfs(piece) <= -19


def test_music_is_tonal_and_drums_are_rhythmic() -> None:
    rng = np.random.default_rng(1)
    music = nonspeech.chords(4 * SAMPLE_RATE, rng)
    spectrum = np.abs(np.fft.rfft(music))
    assert np.max(spectrum) > 50 * np.median(spectrum)  # energy sits on the notes' partials
    drums = nonspeech.drums(4 * SAMPLE_RATE, rng)
    envelope = np.array([rms_dbfs(drums[i : i + 320]) for i in range(0, len(drums), 320)])
    assert envelope.max() - np.percentile(envelope, 10) > 20  # hits with decays between them
