"""Voices embedded per chunk (where workers transcribe) cluster like the whole recording's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from testkit.evaluation.dialogues import build_conversation
from video_transcriber.config import Settings, SpeakerSettings
from video_transcriber.domain import Chunk, ChunkResult, TranscribeOptions
from video_transcriber.executors.chunk_payload import result_from_reply, result_reply
from video_transcriber.media.pcm import PcmAudio, to_int16
from video_transcriber.pipeline.speech_map import detect_speech
from video_transcriber.segmentation.chunking import plan_chunks
from video_transcriber.speakers.chunk_voices import (
    chunk_voices,
    decode,
    encode,
    with_voices,
)
from video_transcriber.speakers.diarize import Diarizer
from video_transcriber.speakers.encoder import VoiceEncoder
from video_transcriber.speakers.scoring import LabelledTurn, diarization_error


def test_chunked_voices_give_the_speakers_of_the_whole_recording(
    voice_encoder: VoiceEncoder, tmp_path: Path
) -> None:
    recording = build_conversation(
        "three", ["ljspeech", "librispeech_1089", "mfa_speaker"], seconds=75, seed=3
    )
    path = tmp_path / "three.pcm"
    to_int16(recording.samples).tofile(path)
    audio = PcmAudio(path)
    speech = detect_speech(audio, Settings()).speech
    chunks = plan_chunks(speech, duration=audio.duration, target_seconds=25.0, max_seconds=60.0)
    assert len(chunks) >= 3
    settings = SpeakerSettings()
    voices = [
        voice
        for chunk in chunks
        for voice in chunk_voices(
            chunk, audio.read(chunk.start, chunk.end), settings, voice_encoder
        )
    ]
    # clustering the workers' voices needs no encoder in this process: none is loaded
    clusters_only = Diarizer(settings)
    chunked = clusters_only.from_voices(voices, speech, speakers=None)
    assert clusters_only._encoder is None
    whole = Diarizer(settings, voice_encoder).diarize(audio, speech)
    assert chunked.speakers == whole.speakers == 3
    for found in (whole, chunked):
        hypothesis = [LabelledTurn(t.start, t.end, str(t.speaker)) for t in found.turns]
        assert diarization_error(recording.turns, hypothesis).rate <= 0.10


def test_voices_travel_as_json_and_only_when_asked(tmp_path: Path) -> None:
    embedding = np.linspace(0, 1, 256, dtype=np.float32)
    assert np.allclose(decode(encode(embedding)), embedding, atol=1e-3)
    plain = ChunkResult(0, (), "en", 1.0)
    settings = Settings()
    samples = np.zeros(16_000, dtype=np.float32)
    chunk = Chunk(0, 0.0, 1.0, ())
    off = with_voices(plain, chunk, samples, TranscribeOptions(), settings)
    assert off.voices is None
    on = with_voices(plain, chunk, samples, TranscribeOptions(speakers="auto"), settings)
    assert on.voices == ()
    reply = json.loads(json.dumps(result_reply(on)))
    assert result_from_reply(reply).voices == ()
    assert result_from_reply(json.loads(json.dumps(result_reply(off)))).voices is None
