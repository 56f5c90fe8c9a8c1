"""Streaming decode of every container to 16 kHz mono, and the PCM file it writes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from testkit.evaluation.corpus import Clip
from testkit.evaluation.lecture import CONTAINERS, make_media_fixture
from tests.media.conftest import FIXTURE_SECONDS
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.errors import CorruptMediaError
from video_transcriber.media.decode import decode_to_pcm, iter_audio
from video_transcriber.media.pcm import to_float32, to_int16
from video_transcriber.media.probe import probe


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_every_container_decodes_to_its_length(
    container: str, container_files: dict[str, Path]
) -> None:
    blocks = list(iter_audio(container_files[container], block_seconds=1.5))

    assert all(block.dtype == np.float32 and block.ndim == 1 for block in blocks)
    assert all(len(block) == round(1.5 * SAMPLE_RATE) for block in blocks[:-1])
    audio = np.concatenate(blocks)
    assert len(audio) / SAMPLE_RATE == pytest.approx(FIXTURE_SECONDS, abs=0.1)
    assert np.abs(audio).max() <= 1.0
    assert np.sqrt(np.mean(audio**2)) > 0.01, "the voice came out silent"


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_probe_reads_the_facts(container: str, container_files: dict[str, Path]) -> None:
    spec = CONTAINERS[container]
    info = probe(container_files[container])

    assert info.duration == pytest.approx(FIXTURE_SECONDS, abs=0.1)
    assert info.sample_rate == spec.sample_rate
    assert info.channels == (2 if spec.layout == "stereo" else 1)
    assert info.has_video is (spec.video_codec is not None)
    assert (info.video_codec is None) is (spec.video_codec is None)
    assert info.size_bytes == container_files[container].stat().st_size


def test_real_speech_decodes_like_the_manifest_says(jfk_clip: Clip) -> None:
    audio = np.concatenate(list(iter_audio(jfk_clip.path)))

    assert len(audio) / SAMPLE_RATE == pytest.approx(jfk_clip.duration, abs=0.05)
    assert probe(jfk_clip.path).channels == 2  # stereo, downmixed to mono above


def test_decode_to_pcm_matches_iter_audio_and_reports_progress(
    container_files: dict[str, Path], tmp_path: Path
) -> None:
    source = container_files["mp4"]
    seen: list[float] = []

    pcm = decode_to_pcm(source, tmp_path / "job" / "audio.pcm", on_progress=seen.append)

    expected = to_float32(to_int16(np.concatenate(list(iter_audio(source)))))
    np.testing.assert_array_equal(pcm.read(0, pcm.duration), expected)
    assert pcm.num_samples == len(expected)
    assert seen and seen == sorted(seen)
    assert seen[-1] == pytest.approx(pcm.duration)
    assert list((tmp_path / "job").iterdir()) == [tmp_path / "job" / "audio.pcm"]


def test_a_failed_decode_leaves_no_pcm_behind(tmp_path: Path) -> None:
    source = make_media_fixture(tmp_path / "whole.flac", "flac", seconds=20)
    cut = tmp_path / "cut.flac"
    cut.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    progress: list[float] = []

    with pytest.raises(CorruptMediaError, match="only 0:00:"):
        decode_to_pcm(cut, tmp_path / "audio.pcm", on_progress=progress.append)

    assert progress, "the head was decoded before the shortfall was noticed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.flac", "whole.flac"]


def test_a_real_clip_survives_every_lossy_container(jfk_clip: Clip, tmp_path: Path) -> None:
    reference = np.concatenate(list(iter_audio(jfk_clip.path)))
    out = make_media_fixture(tmp_path / "jfk.webm", "webm", seconds=5.0, source=jfk_clip)

    decoded = np.concatenate(list(iter_audio(out)))

    head = reference[: len(decoded)]
    correlation = np.corrcoef(head[: SAMPLE_RATE * 4], decoded[: SAMPLE_RATE * 4])[0, 1]
    assert correlation > 0.9, "the audio should come out where it went in"


def _write_opus_with_holes(path: Path, *, starts: list[float], seconds_each: float) -> None:
    """Audio-only Matroska whose audio runs start at the given times (gaps in between)."""
    with av.open(str(path), mode="w", format="matroska") as container:
        stream = container.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        tone = (0.2 * np.sin(np.arange(1600) * 2 * np.pi * 440 / SAMPLE_RATE)).astype(np.float32)
        for start in starts:
            for index in range(round(seconds_each * 10)):
                frame = av.AudioFrame.from_ndarray(tone.reshape(1, -1), format="flt", layout="mono")
                frame.sample_rate = SAMPLE_RATE
                frame.time_base = Fraction(1, SAMPLE_RATE)
                frame.pts = round(start * SAMPLE_RATE) + index * 1600
                container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def test_timestamp_gaps_become_silence_so_later_times_stay_right(tmp_path: Path) -> None:
    path = tmp_path / "holes.mkv"
    _write_opus_with_holes(path, starts=[0.0, 5.0], seconds_each=2.0)

    audio = np.concatenate(list(iter_audio(path)))

    assert len(audio) / SAMPLE_RATE == pytest.approx(7.0, abs=0.05)
    tenths = audio[: len(audio) // 1600 * 1600].reshape(-1, 1600)
    loud = np.abs(tenths).max(axis=1) > 0.05  # per 0.1 s
    assert loud[:19].all() and not loud[21:49].any() and loud[51:69].all()


def test_block_seconds_must_be_positive(container_files: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="positive"):
        next(iter_audio(container_files["wav"], block_seconds=0))
