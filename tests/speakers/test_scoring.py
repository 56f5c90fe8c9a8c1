"""DER as md-eval computes it: collars, overlap, optimal mapping; RTTM in and out."""

from __future__ import annotations

from pathlib import Path

import pytest

from video_transcriber.speakers.scoring import (
    LabelledTurn,
    diarization_error,
    read_rttm,
    write_rttm,
)

REFERENCE = [LabelledTurn(0.0, 10.0, "ada"), LabelledTurn(10.0, 20.0, "bob")]


def test_names_do_not_matter_only_the_mapping() -> None:
    hypothesis = [LabelledTurn(0.0, 10.0, "2"), LabelledTurn(10.0, 20.0, "1")]
    assert diarization_error(REFERENCE, hypothesis).rate == 0.0


def test_one_label_for_two_equal_speakers_is_half_confusion() -> None:
    error = diarization_error(REFERENCE, [LabelledTurn(0.0, 20.0, "x")], collar=0.0)
    assert error.confusion == pytest.approx(10.0)
    assert error.rate == pytest.approx(0.5)


def test_missed_and_false_alarm() -> None:
    hypothesis = [LabelledTurn(0.0, 5.0, "a"), LabelledTurn(10.0, 25.0, "b")]
    error = diarization_error(REFERENCE, hypothesis, collar=0.0)
    assert error.missed == pytest.approx(5.0)
    assert error.false_alarm == pytest.approx(5.0)
    assert error.confusion == 0.0
    assert error.rate == pytest.approx(0.5)


def test_collar_forgives_boundaries_within_it() -> None:
    late = [LabelledTurn(0.0, 10.2, "a"), LabelledTurn(10.2, 20.0, "b")]
    assert diarization_error(REFERENCE, late, collar=0.25).rate == 0.0
    assert diarization_error(REFERENCE, late, collar=0.0).confusion == pytest.approx(0.2)
    # Scored time loses 0.25 s either side of each of the three distinct boundaries (0, 10, 20;
    # the outer ones only inside the audio).
    assert diarization_error(REFERENCE, late).scored == pytest.approx(20.0 - 0.25 - 0.5 - 0.25)


def test_overlapped_reference_speech_is_not_scored() -> None:
    overlapping = [*REFERENCE, LabelledTurn(5.0, 7.0, "cy")]
    hypothesis = [LabelledTurn(0.0, 10.0, "a"), LabelledTurn(10.0, 20.0, "b")]
    error = diarization_error(overlapping, hypothesis, collar=0.0)
    assert error.rate == 0.0 and error.scored == pytest.approx(18.0)
    counted = diarization_error(overlapping, hypothesis, collar=0.0, skip_overlap=False)
    assert counted.missed == pytest.approx(2.0)


def test_rttm_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "x.rttm"
    path.write_text(write_rttm(REFERENCE, "x"), encoding="utf-8")
    assert path.read_text().startswith("SPEAKER x 1 0.000 10.000 <NA> <NA> ada <NA> <NA>\n")
    assert read_rttm(path) == REFERENCE
