"""Decoding with voice activity detection alongside: the same speech map as detecting speech in
the finished file, and failures of either side surface without leaving a thread or a file."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.media_files import write_wav
from video_transcriber.config import Settings
from video_transcriber.engine import vad
from video_transcriber.errors import NotMediaError
from video_transcriber.media.pcm import PcmAudio
from video_transcriber.pipeline.speech_map import decode_with_speech, detect_speech

CLIP = "jfk_inaugural_excerpt.flac"


def test_spans_match_detecting_speech_in_the_finished_file(
    speech_corpus_dir: Path, tmp_path: Path
) -> None:
    settings = Settings()
    pcm, found = decode_with_speech(speech_corpus_dir / CLIP, tmp_path / "a.pcm", settings)
    spans = found.speech
    assert spans, "the JFK clip is speech"
    assert found == detect_speech(PcmAudio(tmp_path / "a.pcm"), settings)
    assert 0.0 <= spans[0].start < spans[-1].end <= pcm.duration
    assert 10.0 < pcm.duration < 12.0


def test_a_file_that_is_not_media_fails_and_stops_the_detector(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.mp4"
    bogus.write_bytes(b"these are lecture notes, not a video\n" * 100)
    before = threading.active_count()
    with pytest.raises(NotMediaError):
        decode_with_speech(bogus, tmp_path / "a.pcm", Settings())
    assert threading.active_count() == before
    assert not (tmp_path / "a.pcm").exists()


def test_a_detector_failure_is_raised_after_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: vad.SpeechDetector, blocks: object, **_: object) -> object:
        raise RuntimeError("the VAD model is broken")

    monkeypatch.setattr(vad.SpeechDetector, "iter_probabilities", broken)
    media = write_wav(tmp_path / "long.wav", seconds=95.0)  # more blocks than the queue holds
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="VAD model is broken"):
        decode_with_speech(media, tmp_path / "a.pcm", Settings())
    assert threading.active_count() == before


def test_silence_has_no_speech(tmp_path: Path) -> None:
    silent = tmp_path / "silence.wav"
    with wave.open(str(silent), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(np.zeros(16_000 * 5, dtype="<i2").tobytes())
    pcm, found = decode_with_speech(silent, tmp_path / "a.pcm", Settings())
    assert found.speech == () and found.faint == () and pcm.duration == pytest.approx(5.0, abs=0.01)
