"""Bad inputs: each raises the right error, judged by content, with a sentence saying what to do."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import pytest

from testkit.evaluation.lecture import (
    CONTAINERS,
    MediaWriter,
    make_media_fixture,
    voice_like,
)
from video_transcriber.errors import (
    CorruptMediaError,
    EmptyMediaError,
    MediaError,
    MediaNotFoundError,
    NoAudioStreamError,
    NotMediaError,
)
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.probe import probe


def _decode(path: Path) -> float:
    return sum(len(block) for block in iter_audio(path)) / 16_000


def _both(path: Path, error: type[MediaError], match: str) -> None:
    """probe and decode raise the same error for a file that cannot be opened."""
    with pytest.raises(error, match=match):
        probe(path)
    with pytest.raises(error, match=match):
        _decode(path)


def _cut(source: Path, out: Path, fraction: float) -> Path:
    out.write_bytes(source.read_bytes()[: int(source.stat().st_size * fraction)])
    return out


def test_missing_file(tmp_path: Path) -> None:
    _both(tmp_path / "lecture.mp4", MediaNotFoundError, "does not exist.*Check the path")


def test_a_folder(tmp_path: Path) -> None:
    _both(tmp_path, NotMediaError, "is a folder")


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "lecture.mp4"
    path.write_bytes(b"")
    _both(path, EmptyMediaError, r"empty \(0 bytes\).*Upload it again")


@pytest.mark.parametrize("name", ["notes.mp4", "notes.mp3", "notes.wav", "notes.mkv"])
def test_text_renamed_as_media(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Lecture 3: eigenvalues.\n" * 200, encoding="utf-8")
    _both(path, NotMediaError, "Check that you picked the right file")


@pytest.mark.parametrize("name", ["random.mp4", "random.mp3", "random.mov", "random.webm"])
def test_random_bytes_renamed_as_media(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(np.random.default_rng(7).bytes(200_000))
    _both(path, NotMediaError, "right file")


def test_video_without_sound(tmp_path: Path) -> None:
    path = make_media_fixture(tmp_path / "screen.mp4", "mp4", seconds=2, with_audio=False)
    _both(path, NoAudioStreamError, "without a sound track.*export it again with sound")


def test_audio_track_with_nothing_in_it(tmp_path: Path) -> None:
    path = make_media_fixture(tmp_path / "nothing.wav", "wav", seconds=0)
    _both(path, EmptyMediaError, "no sound in it|no audio samples")


@pytest.mark.parametrize("container", ["mp4", "mov", "m4a"])
def test_mp4_cut_before_its_index(container: str, tmp_path: Path) -> None:
    spec = CONTAINERS[container]
    whole = make_media_fixture(tmp_path / f"whole{spec.suffix}", container, seconds=20)
    cut = _cut(whole, tmp_path / f"cut{spec.suffix}", 0.6)
    _both(cut, CorruptMediaError, "'moov' atom\\) is missing.*upload the complete file again")


@pytest.mark.parametrize("container", ["flac", "mp3"])
def test_cut_audio_with_a_length_in_its_header(container: str, tmp_path: Path) -> None:
    spec = CONTAINERS[container]
    whole = make_media_fixture(tmp_path / f"whole{spec.suffix}", container, seconds=20)
    cut = _cut(whole, tmp_path / f"cut{spec.suffix}", 0.5)

    assert probe(cut).duration == pytest.approx(20, abs=0.1)  # the header survives
    with pytest.raises(CorruptMediaError, match=r"promises 0:00:20\.0.*only 0:00:(09|10)"):
        _decode(cut)


def test_cut_mp4_with_its_index_in_front(tmp_path: Path) -> None:
    whole = tmp_path / "whole.mp4"
    with MediaWriter(
        whole, CONTAINERS["mp4"], video=True, muxer_options={"movflags": "faststart"}
    ) as writer:
        for piece in voice_like(20):
            writer.write(piece)
    with pytest.raises(CorruptMediaError, match=r"cut off or damaged.*re-encode"):
        _decode(_cut(whole, tmp_path / "cut.mp4", 0.5))


@pytest.mark.parametrize("container", ["mkv", "webm", "ogg", "wav", "avi"])
def test_cut_files_without_an_audio_length_decode_their_head(
    container: str, tmp_path: Path
) -> None:
    spec = CONTAINERS[container]
    whole = make_media_fixture(tmp_path / f"whole{spec.suffix}", container, seconds=20)
    cut = _cut(whole, tmp_path / f"cut{spec.suffix}", 0.5)

    assert 7.0 < _decode(cut) < 13.0


@pytest.mark.parametrize("container", ["mp4", "mkv", "ogg", "flac"])
def test_damage_in_the_middle_becomes_silence_in_place(container: str, tmp_path: Path) -> None:
    spec = CONTAINERS[container]
    whole = make_media_fixture(tmp_path / f"whole{spec.suffix}", container, seconds=20)
    data = bytearray(whole.read_bytes())
    first, last = int(len(data) * 0.45), int(len(data) * 0.55)
    data[first:last] = np.random.default_rng(1).bytes(last - first)
    damaged = tmp_path / f"damaged{spec.suffix}"
    damaged.write_bytes(bytes(data))

    assert _decode(damaged) == pytest.approx(20, abs=0.1)


def test_errors_are_sentences_without_ffmpeg_noise(tmp_path: Path) -> None:
    path = tmp_path / "x.mp4"
    path.write_bytes(os.urandom(5000))
    with pytest.raises(NotMediaError) as caught:
        probe(path)
    message = str(caught.value)
    assert "Errno" not in message and str(tmp_path) not in message
    assert message.rstrip().endswith(".")


@pytest.mark.parametrize("name", ["slide.png", "slide.mp4"])
def test_a_still_image_is_not_a_video_without_sound(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
    with av.open(str(path), mode="w", format="image2") as container:
        stream = container.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "rgb24"
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    _both(path, NotMediaError, "holds no audio.*Pass an audio or video recording")
