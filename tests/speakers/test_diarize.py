"""Diarization of real speech with known turns (built from corpus voices, `evaluation.dialogues`).

Bounds: DER measured 0.006 (dialogue), 0.002 (one voice) and 0.002-0.08 (lectures) on the bench
material (`bench/speakers.py`); the tests allow 0.10, the issue's target for built material.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.evaluation.dialogues import (
    BuiltRecording,
    build_conversation,
    build_lecture,
    one_voice,
)
from video_transcriber.config import Settings, SpeakerSettings
from video_transcriber.media.pcm import PcmAudio, to_int16
from video_transcriber.pipeline.speech_map import detect_speech
from video_transcriber.speakers.diarize import Diarization, Diarizer
from video_transcriber.speakers.encoder import VoiceEncoder
from video_transcriber.speakers.scoring import LabelledTurn, diarization_error


@pytest.fixture(scope="module")
def diarizer(voice_encoder: VoiceEncoder) -> Diarizer:
    return Diarizer(SpeakerSettings(), voice_encoder)


def _run(
    recording: BuiltRecording, diarizer: Diarizer, tmp: Path, speakers: int | None = None
) -> Diarization:
    path = tmp / f"{recording.name}.pcm"
    to_int16(recording.samples).tofile(path)
    audio = PcmAudio(path)
    speech = detect_speech(audio, Settings()).speech
    return diarizer.diarize(audio, speech, speakers=speakers)


def _der(recording: BuiltRecording, found: Diarization) -> float:
    hypothesis = [LabelledTurn(t.start, t.end, str(t.speaker)) for t in found.turns]
    return diarization_error(recording.turns, hypothesis).rate


def test_a_two_person_dialogue_gets_two_speakers_at_the_right_turns(
    diarizer: Diarizer, tmp_path: Path
) -> None:
    dialogue = build_conversation("dialogue", ["ljspeech", "librispeech_1089"], seconds=60, seed=6)
    found = _run(dialogue, diarizer, tmp_path)
    assert found.speakers == 2
    assert _der(dialogue, found) <= 0.10
    # Every reference turn is mostly covered by one found speaker, and the voices alternate
    # as the reference does.
    owners = []
    for turn in dialogue.turns:
        overlap: dict[int, float] = {}
        for mine in found.turns:
            shared = min(turn.end, mine.end) - max(turn.start, mine.start)
            if shared > 0:
                overlap[mine.speaker] = overlap.get(mine.speaker, 0.0) + shared
        best = max(overlap, key=overlap.__getitem__)
        assert overlap[best] >= 0.8 * (turn.end - turn.start)
        owners.append((turn.speaker, best))
    assert len(set(owners)) == 2  # one found speaker per reference voice, consistently
    assert all(0.0 <= t.start < t.end <= dialogue.duration for t in found.turns)


def test_a_one_speaker_lecture_gets_one_speaker(diarizer: Diarizer, tmp_path: Path) -> None:
    lecture = one_voice("solo", "ljspeech", seconds=90, seed=4)
    found = _run(lecture, diarizer, tmp_path)
    assert found.speakers == 1
    assert _der(lecture, found) <= 0.10


def test_a_lecture_with_audience_questions_counts_the_askers(
    diarizer: Diarizer, tmp_path: Path
) -> None:
    lecture = build_lecture("lecture", "mfa_speaker", ["fleurs_es", "jfk"], seconds=120, seed=2)
    assert lecture.speakers == 3
    found = _run(lecture, diarizer, tmp_path)
    assert found.speakers == 3
    assert _der(lecture, found) <= 0.10
    forced = _run(lecture, diarizer, tmp_path, speakers=2)
    assert forced.speakers == 2


def test_silence_gives_no_turns(diarizer: Diarizer, tmp_path: Path) -> None:
    path = tmp_path / "silence.pcm"
    to_int16(__import__("numpy").zeros(16_000 * 3, dtype="float32")).tofile(path)
    assert diarizer.diarize(PcmAudio(path), ()) == Diarization((), 0, 0)
