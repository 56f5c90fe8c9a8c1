"""The chunk transcriber on real speech with the real bundled model.

WER thresholds come from measurements (bench/engine_accuracy.py) with a modest margin: the
bundled tiny.en gets JFK word-perfect and the other clips below ~0.1 when each is transcribed
alone (single clips are bounded in wrong words: measured + 1); a chunk of several clips with
pauses must do about as well as the clips alone.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from testkit.evaluation.corpus import Clip
from testkit.evaluation.wer import word_error_rate, word_errors
from tests.engine.helpers import place, vad_spans, whole_chunk
from tests.signals import clip_samples
from video_transcriber.domain import SAMPLE_RATE, Chunk, Segment, TranscribeOptions
from video_transcriber.engine.transcriber import ChunkTranscriber

OPTIONS = TranscribeOptions()
MULTI = (
    "librispeech_1089-134691-0001.flac",
    "jfk_inaugural_excerpt.flac",
    "ljspeech_LJ001-0004.wav",
    "librivox_sense_and_sensibility_01_austen_64kb-0890.wav",
)


def text_of(result_segments: tuple[Segment, ...]) -> str:
    return " ".join(s.text for s in result_segments)


@pytest.mark.parametrize(
    ("name", "most_wrong_words"),
    [
        # Wrong words measured on 2026-12-02, margin 1 word: 0 of 22 (word-perfect), 1 of 28,
        # 0 of 27, 1 of 33.
        ("jfk_inaugural_excerpt.flac", 1),
        ("librispeech_1089-134686-0000.flac", 2),
        ("ljspeech_LJ001-0001.wav", 1),
        ("fleurs_en_002.ogg", 2),
    ],
)
def test_one_utterance(
    transcriber: ChunkTranscriber, clips_by_name: dict[str, Clip], name: str, most_wrong_words: int
) -> None:
    clip = clips_by_name[name]
    audio = clip_samples(clip)
    chunk = whole_chunk(audio)
    result = transcriber.transcribe(chunk, audio, OPTIONS)
    assert result.language == "en"
    text = text_of(result.segments)
    assert word_errors(clip.reference, text) <= most_wrong_words, text


def test_chunk_in_the_middle_of_the_media_gets_absolute_times(
    transcriber: ChunkTranscriber, jfk_clip: Clip
) -> None:
    audio = clip_samples(jfk_clip)
    chunk = whole_chunk(audio, start=1000.0, index=7)
    result = transcriber.transcribe(chunk, audio, OPTIONS)
    assert result.chunk_index == 7
    assert all(chunk.start <= s.start <= s.end <= chunk.end for s in result.segments)
    assert all(not s.words for s in result.segments), "word timings only when asked for"
    text = text_of(result.segments)
    assert word_errors(jfk_clip.reference, text) <= 1, text  # measured 0 of 22 on 2026-12-02


def test_a_chunk_without_speech_gives_no_segments(transcriber: ChunkTranscriber) -> None:
    chunk = Chunk(0, 5.0, 15.0, ())
    result = transcriber.transcribe(chunk, np.zeros(10 * SAMPLE_RATE, np.float32), OPTIONS)
    assert result.segments == ()


def test_several_clips_with_pauses(
    transcriber: ChunkTranscriber, clips_by_name: dict[str, Clip]
) -> None:
    placed = place([clips_by_name[n] for n in MULTI], [1.2, 0.6, 1.7, 0.9])
    chunk = whole_chunk(placed.audio, start=30.0)
    options = TranscribeOptions(word_timestamps=True)
    result = transcriber.transcribe(chunk, placed.audio, options)

    assert word_error_rate(" ".join(placed.references), text_of(result.segments)) < 0.08
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts)
    for before, after in zip(result.segments, result.segments[1:], strict=False):
        assert before.end <= after.start
    assert all(chunk.start <= s.start <= s.end <= chunk.end for s in result.segments)

    words = [w for s in result.segments for w in s.words]
    assert words, "word timestamps were asked for"
    for (start, end), reference in zip(placed.placements, placed.references, strict=True):
        near = " ".join(
            w.text for w in words if start + 29.5 <= (w.start + w.end) / 2 <= end + 30.5
        )
        assert word_error_rate(reference, near) < 0.25, (reference, near)


def test_speech_the_first_pass_dropped_is_decoded_again(
    transcriber: ChunkTranscriber, clips_by_name: dict[str, Clip]
) -> None:
    """Provoke Whisper's early stop: the first pass loses every window's last segment."""
    placed = place([clips_by_name[n] for n in MULTI[:3]], [1.0, 1.5, 1.0])
    chunk = whole_chunk(placed.audio)
    decoder = transcriber.decoder
    real = decoder.decode
    calls = []

    def first_pass_stops_early(audios, options):  # type: ignore[no-untyped-def]
        texts = real(audios, options)
        calls.append(len(audios))
        if len(calls) == 1:
            texts = [replace(t, segments=t.segments[:-1], tokens=t.tokens[:-1]) for t in texts]
        return texts

    decoder.decode = first_pass_stops_early  # type: ignore[method-assign]
    try:
        result = transcriber.transcribe(chunk, placed.audio, OPTIONS)
    finally:
        del decoder.decode
    assert len(calls) == 2
    assert result.redecoded_spans >= 1
    reference = " ".join(placed.references)
    assert word_error_rate(reference, text_of(result.segments)) < 0.1


def test_trimmed_encoder_input_keeps_the_text_of_full_30_s_encoding(
    transcriber: ChunkTranscriber, clips_by_name: dict[str, Clip]
) -> None:
    """The encoder sees each window's audio and 5 s of silence instead of 30 s: as accurate."""
    placed = place([clips_by_name[n] for n in MULTI], [1.2, 0.6, 1.7, 0.9])
    chunk = whole_chunk(placed.audio)
    reference = " ".join(placed.references)
    trimmed = text_of(transcriber.transcribe(chunk, placed.audio, OPTIONS).segments)
    whole = ChunkTranscriber(
        transcriber.settings,
        threads=transcriber.threads,
        engine=replace(transcriber.engine, encode_silence=None),
    )
    full = text_of(whole.transcribe(chunk, placed.audio, OPTIONS).segments)
    assert word_error_rate(reference, trimmed) < 0.08
    assert word_error_rate(reference, trimmed) <= word_error_rate(reference, full) + 0.02
    assert word_error_rate(full, trimmed) < 0.1, (full, trimmed)  # a few words differ, no more


def test_vad_helper_finds_speech(jfk_clip: Clip) -> None:
    spans = vad_spans(clip_samples(jfk_clip))
    assert spans and spans[0].start < 1.0
