"""Where calibration takes its speech from: a configured recording, else the newest job media,
else a clear error; a recording without speech is refused, not measured."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.lecture import CONTAINERS
from video_transcriber.calibration.sample import build_sample, sample_source
from video_transcriber.config import CalibrationSettings, ServiceSettings, Settings
from video_transcriber.errors import CalibrationSampleError


def settings_for(data_dir: Path, sample: Path | None = None) -> Settings:
    return Settings(
        service=ServiceSettings(data_dir=data_dir), calibration=CalibrationSettings(sample=sample)
    )


def test_the_sample_is_the_configured_file_else_the_newest_job_media(
    calibration_sample: Path, tmp_path: Path
) -> None:
    assert sample_source(settings_for(tmp_path, calibration_sample)) == calibration_sample
    with pytest.raises(CalibrationSampleError, match="does not exist"):
        sample_source(settings_for(tmp_path, tmp_path / "missing.mp4"))
    with pytest.raises(CalibrationSampleError, match="--sample FILE"):
        sample_source(settings_for(tmp_path))
    media = tmp_path / "media"
    media.mkdir()
    older, newer = media / "a.flac", media / "b.flac"
    older.write_bytes(calibration_sample.read_bytes())
    newer.write_bytes(calibration_sample.read_bytes())
    os.utime(older, (1_000_000, 1_000_000))
    assert sample_source(settings_for(tmp_path)) == newer


def test_copies_of_the_speech_clip_are_one_chunk_each(
    calibration_sample: Path, tmp_path: Path
) -> None:
    sample = build_sample(tmp_path / "work", settings_for(tmp_path, calibration_sample), copies=3)
    assert len(sample.chunks) == 3
    media = [chunk.end - chunk.start for chunk in sample.chunks]
    assert 35.0 < media[0] < 38.0 and max(media) - min(media) < 1e-6  # the 37.9 s recording
    duration = sample.pcm_path.stat().st_size / 2 / 16_000
    for before, after in zip(sample.chunks, sample.chunks[1:], strict=False):
        assert before.end < after.start  # a pause between copies
    assert sample.chunks[-1].end <= duration + 1e-6
    assert 30.0 * 3 < sample.speech_seconds <= sample.media_seconds
    assert sample.warmup.end - sample.warmup.start <= 3.0


def test_a_recording_without_speech_is_refused(tmp_path: Path) -> None:
    quiet = tmp_path / "room.flac"
    noise = np.random.default_rng(0).normal(0, 1e-4, 20 * 16_000).astype(np.float32)
    write_samples(noise, quiet, CONTAINERS["flac"])
    with pytest.raises(CalibrationSampleError, match=r"No speech|under 10 s of speech"):
        build_sample(tmp_path / "work", settings_for(tmp_path, quiet), copies=1)
