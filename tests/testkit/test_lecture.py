"""Synthetic lectures from the real-speech corpus: length, placements, reference, alignment."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from testkit.evaluation.corpus import Clip
from testkit.evaluation.lecture import (
    PAUSE_RANGE,
    LectureInfo,
    build_lecture,
    clip_samples,
)
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.probe import probe


@pytest.fixture(scope="module")
def utterances(corpus: list[Clip]) -> list[Clip]:
    return [c for c in corpus if c.language == "en" and c.kind == "utterance"]


@pytest.fixture(scope="module")
def lecture(utterances: list[Clip], tmp_path_factory: pytest.TempPathFactory) -> LectureInfo:
    out = tmp_path_factory.mktemp("lecture") / "lecture.mp4"
    return build_lecture(utterances, target_seconds=90, out=out, seed=3)


def test_file_lasts_the_target(lecture: LectureInfo) -> None:
    info = probe(lecture.path)
    assert lecture.duration == pytest.approx(90, abs=0.01)
    assert info.duration == pytest.approx(90, abs=0.1)
    assert info.has_video and info.video_codec == "h264" and info.audio_codec == "aac"
    decoded = sum(len(b) for b in iter_audio(lecture.path)) / SAMPLE_RATE
    assert decoded == pytest.approx(90, abs=0.1)


def test_placements_are_ordered_and_inside(lecture: LectureInfo, utterances: list[Clip]) -> None:
    placements = lecture.placements
    assert len(placements) >= 5
    assert [p.name for p in placements] == [c.name for c in utterances][: len(placements)]
    previous_end = 0.0
    for placement in placements:
        pause = placement.start - previous_end
        assert PAUSE_RANGE[0] - 1e-6 <= pause <= PAUSE_RANGE[1] + 1e-6
        assert placement.end > placement.start
        previous_end = placement.end
    assert previous_end <= lecture.duration


def test_reference_is_the_clips_in_order(lecture: LectureInfo, utterances: list[Clip]) -> None:
    by_name = {c.name: c.reference for c in utterances}
    assert lecture.reference == " ".join(by_name[p.name] for p in lecture.placements)


def test_clips_sound_where_the_placements_say(lecture: LectureInfo, utterances: list[Clip]) -> None:
    audio = np.concatenate(list(iter_audio(lecture.path)))
    by_name = {c.name: c for c in utterances}
    for placement in lecture.placements[:4]:
        clip = clip_samples(by_name[placement.name])
        start = round(placement.start * SAMPLE_RATE)
        window = audio[start - 800 : start + len(clip) + 800]  # +-50 ms of search
        scores = np.correlate(window, clip[: 2 * SAMPLE_RATE], mode="valid")
        lag_ms = (int(np.argmax(scores)) - 800) / SAMPLE_RATE * 1000
        assert abs(lag_ms) < 5, f"{placement.name} is {lag_ms:.1f} ms off its placement"


def test_same_seed_same_lecture_other_seed_other_pauses(
    utterances: list[Clip], lecture: LectureInfo, tmp_path: Path
) -> None:
    again = build_lecture(
        utterances, target_seconds=90, out=tmp_path / "a.m4a", seed=3, container="m4a"
    )
    other = build_lecture(
        utterances, target_seconds=90, out=tmp_path / "b.m4a", seed=4, container="m4a"
    )
    assert again.placements == lecture.placements
    assert other.placements != lecture.placements


def test_loops_the_clip_list_and_writes_audio_only(utterances: list[Clip], tmp_path: Path) -> None:
    few = utterances[:2]
    built = build_lecture(few, target_seconds=40, out=tmp_path / "l.mp3", container="mp3")
    assert len(built.placements) > 2
    assert [p.name for p in built.placements[:4]] == [few[0].name, few[1].name] * 2
    info = probe(built.path)
    assert not info.has_video and info.duration == pytest.approx(40, abs=0.1)


def test_video_can_be_left_out(utterances: list[Clip], tmp_path: Path) -> None:
    built = build_lecture(
        utterances, target_seconds=20, out=tmp_path / "v.mkv", video=False, container="mkv"
    )
    assert not probe(built.path).has_video


def test_unknown_container_is_refused(utterances: list[Clip], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="choose from"):
        build_lecture(utterances, target_seconds=5, out=tmp_path / "x.xyz", container="xyz")


@pytest.mark.slow
def test_ten_minute_lecture_builds_fast(utterances: list[Clip], tmp_path: Path) -> None:
    started = time.perf_counter()
    built = build_lecture(utterances, target_seconds=600, out=tmp_path / "ten.mp4")
    elapsed = time.perf_counter() - started

    assert elapsed < 45, f"a 10-minute lecture took {elapsed:.1f} s to build"
    assert probe(built.path).duration == pytest.approx(600, abs=0.1)
    assert built.placements[-1].end <= 600
    print(f"10-minute lecture built in {elapsed:.1f} s, {built.path.stat().st_size / 2**20:.1f} MB")
