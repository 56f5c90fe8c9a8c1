"""The non-speech audit with the real model: faint speech is kept, noise and music give nothing."""

from __future__ import annotations

import numpy as np

from testkit.evaluation.corpus import Clip
from testkit.evaluation.wer import word_error_rate
from tests.signals import at_level, clip_samples, music, pink_noise, silence
from video_transcriber.domain import SAMPLE_RATE, Chunk, SpeechSpan, TranscribeOptions
from video_transcriber.engine.transcriber import ChunkTranscriber


def _faint_only(audio: np.ndarray, spans: list[SpeechSpan]) -> Chunk:
    return Chunk(0, 0.0, audio.size / SAMPLE_RATE, (), tuple(spans))


def test_speech_detection_rejected_is_transcribed_when_the_model_is_sure(
    transcriber: ChunkTranscriber, corpus: list[Clip]
) -> None:
    clip = next(c for c in corpus if c.name == "librispeech_1089-134691-0001.flac")
    speech = at_level(clip_samples(clip), -60.0)
    audio = np.concatenate([silence(1.0), speech, silence(1.0)])
    audio += pink_noise(audio.size / SAMPLE_RATE, -72.0)
    chunk = _faint_only(audio, [SpeechSpan(0.8, 1.2 + speech.size / SAMPLE_RATE)])
    result = transcriber.transcribe(chunk, audio, TranscribeOptions())
    text = " ".join(s.text for s in result.segments)
    assert word_error_rate(clip.reference, text) <= 0.05, text  # measured 0.0
    assert all(0.8 <= s.start <= s.end <= chunk.faint[0].end for s in result.segments)


def test_noise_and_music_in_faint_spans_give_no_text(transcriber: ChunkTranscriber) -> None:
    audio = np.concatenate(
        [pink_noise(8.0, -30.0, seed=2), music(12.0, -25.0, seed=4), pink_noise(6.0, -45.0)]
    )
    spans = [SpeechSpan(0.0, 8.0), SpeechSpan(8.0, 20.0), SpeechSpan(20.0, 26.0)]
    result = transcriber.transcribe(_faint_only(audio, spans), audio, TranscribeOptions())
    assert result.segments == ()
