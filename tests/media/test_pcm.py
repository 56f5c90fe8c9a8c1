"""The raw int16 PCM file: sizes, clipped reads, blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.pcm import PcmAudio, regroup, to_float32, to_int16


@pytest.fixture
def ramp(tmp_path: Path) -> tuple[PcmAudio, np.ndarray]:
    samples = np.linspace(-1, 1, SAMPLE_RATE * 3 + 100, dtype=np.float32)
    path = tmp_path / "audio.pcm"
    path.write_bytes(to_int16(samples).tobytes())
    return PcmAudio(path), to_float32(to_int16(samples))


def test_sizes(ramp: tuple[PcmAudio, np.ndarray]) -> None:
    pcm, samples = ramp
    assert pcm.num_samples == len(samples)
    assert pcm.duration == pytest.approx(len(samples) / SAMPLE_RATE)


def test_read_returns_the_slice_as_float32(ramp: tuple[PcmAudio, np.ndarray]) -> None:
    pcm, samples = ramp
    piece = pcm.read(1.0, 2.5)
    assert piece.dtype == np.float32
    np.testing.assert_array_equal(piece, samples[SAMPLE_RATE : SAMPLE_RATE * 5 // 2])


def test_read_clips_to_the_file(ramp: tuple[PcmAudio, np.ndarray]) -> None:
    pcm, samples = ramp
    np.testing.assert_array_equal(pcm.read(-5, 0.5), samples[: SAMPLE_RATE // 2])
    np.testing.assert_array_equal(pcm.read(2.9, 99), samples[round(2.9 * SAMPLE_RATE) :])
    assert len(pcm.read(50, 60)) == 0
    assert len(pcm.read(2, 1)) == 0


def test_iter_blocks_covers_the_file_once(ramp: tuple[PcmAudio, np.ndarray]) -> None:
    pcm, samples = ramp
    blocks = list(pcm.iter_blocks(1.0))
    assert [len(b) for b in blocks] == [SAMPLE_RATE] * 3 + [100]
    np.testing.assert_array_equal(np.concatenate(blocks), samples)


def test_quantisation_round_trip_is_stable() -> None:
    samples = np.random.default_rng(0).uniform(-1.2, 1.2, 5000).astype(np.float32)
    once = to_float32(to_int16(samples))
    assert np.abs(once).max() <= 1.0
    np.testing.assert_array_equal(to_float32(to_int16(once)), once)
    assert np.abs(once - np.clip(samples, -1, 1)).max() <= 1 / 32768


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        PcmAudio(tmp_path / "nope.pcm")
    empty = tmp_path / "empty.pcm"
    empty.write_bytes(b"")
    pcm = PcmAudio(empty)
    assert pcm.num_samples == 0 and len(pcm.read(0, 10)) == 0 and list(pcm.iter_blocks(1)) == []


@pytest.mark.parametrize("size", [1, 3, 4, 7, 100])
def test_regroup_recuts_rows_end_to_end(size: int) -> None:
    rows = np.arange(20 * 2).reshape(20, 2)
    arrays = [rows[0:3], rows[3:3], rows[3:11], rows[11:12], rows[12:20]]  # uneven, one empty
    out = list(regroup(arrays, size))
    assert all(len(block) == size for block in out[:-1]) and 0 < len(out[-1]) <= size
    np.testing.assert_array_equal(np.concatenate(out), rows)
    assert list(regroup([], size)) == []
