"""Levelling before speech detection: quiet voices brought up, noise not blown up, and the
result independent of how the audio was cut into blocks."""

from __future__ import annotations

import numpy as np
import pytest

from testkit.evaluation.corpus import Clip
from tests.signals import at_level, clip_samples, level_db, pink_noise, silence
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.engine.levelling import Leveller, LevelOptions
from video_transcriber.engine.vad import FRAME_SAMPLES, SpeechDetector


def _levelled(audio: np.ndarray) -> tuple[np.ndarray, Leveller]:
    leveller = Leveller()
    frames = audio[: audio.size // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
    out = np.concatenate(list(leveller.level(np.array_split(frames, 5))))
    return out.reshape(-1), leveller


def _at(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    return audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]


def test_a_quiet_voice_between_loud_ones_reaches_the_target(jfk_clip: Clip) -> None:
    speech = clip_samples(jfk_clip)
    loud, quiet = at_level(speech, -18.0), at_level(speech, -58.0)
    audio = np.concatenate([loud, silence(1.0), quiet, silence(1.0), loud])
    audio += pink_noise(audio.size / SAMPLE_RATE, -75.0)
    out, leveller = _levelled(audio)
    assert out.size == audio.size // FRAME_SAMPLES * FRAME_SAMPLES
    middle = loud.size / SAMPLE_RATE + 1.0
    quiet_out = _at(out, middle + 1.0, middle + quiet.size / SAMPLE_RATE - 1.0)
    loud_out = _at(out, 1.0, loud.size / SAMPLE_RATE - 1.0)
    # Speech is levelled by its loudest frames (-20 dBFS); its RMS sits a few dB under that.
    assert abs(level_db(quiet_out) - level_db(loud_out)) < 3.0
    assert -32.0 < level_db(quiet_out) < -20.0
    assert leveller.floor == pytest.approx(-75.0, abs=6.0)
    assert leveller.levels.size == out.size // FRAME_SAMPLES


def test_noise_alone_is_raised_no_higher_than_floor_plus_margin() -> None:
    noise = pink_noise(20.0, -70.0, seed=3)
    out, leveller = _levelled(noise)
    options = LevelOptions()
    most = options.target_db - (leveller.floor + options.floor_margin_db)
    assert level_db(out) - level_db(noise) <= most + 0.5
    # The floor lands `floor_margin_db` under the target: well under levelled speech.
    assert level_db(out) < options.target_db - options.floor_margin_db + 5.0


def test_levelled_probabilities_do_not_depend_on_block_cuts(jfk_clip: Clip) -> None:
    audio = np.concatenate([at_level(clip_samples(jfk_clip), -50.0), silence(40.0)])
    detector = SpeechDetector()
    whole = detector.probabilities([audio], leveller=Leveller())
    cuts = np.array_split(audio, [1234, 50_000, 51_001, 400_000])
    pieces = detector.probabilities(cuts, leveller=Leveller())
    np.testing.assert_array_equal(whole, pieces)
    assert whole.size == int(np.ceil(audio.size / FRAME_SAMPLES))


def test_levelling_lets_detection_hear_a_quiet_voice_after_a_loud_one(
    jfk_clip: Clip, corpus: list[Clip]
) -> None:
    other = next(c for c in corpus if c.name == "librispeech_1089-134691-0001.flac")
    loud, quiet = at_level(clip_samples(jfk_clip), -20.0), at_level(clip_samples(other), -58.0)
    audio = np.concatenate([loud, silence(0.8), quiet, silence(0.8), loud])
    audio += pink_noise(audio.size / SAMPLE_RATE, -70.0)
    first = int((loud.size + 0.8 * SAMPLE_RATE) / FRAME_SAMPLES)
    stop = first + quiet.size // FRAME_SAMPLES
    detector = SpeechDetector()
    raw = detector.probabilities([audio])[first:stop]
    levelled = detector.probabilities([audio], leveller=Leveller())[first:stop]
    # Measured: 0.25 of the quiet sentence's frames above 0.5 raw, 0.67 levelled (alone: 0.68).
    assert (raw > 0.5).mean() < 0.4
    assert (levelled > 0.5).mean() > 0.55
