"""SpeechDetector: streaming equals one-shot, matches faster-whisper, memory stays flat."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import numpy as np
import pytest
from faster_whisper.audio import decode_audio
from faster_whisper.vad import SileroVADModel

from testkit.evaluation.corpus import Clip
from video_transcriber.config import VadSettings
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.engine import vad
from video_transcriber.engine.vad import FRAME_SAMPLES, FRAME_SECONDS, SpeechDetector
from video_transcriber.segmentation import speech
from video_transcriber.segmentation.speech import speech_spans

LONG_CLIP = "ljspeech_LJ001-0009_to_0032_concat.wav"


@pytest.fixture(scope="module")
def detector() -> SpeechDetector:
    return SpeechDetector()


@pytest.fixture(scope="module")
def jfk_audio(jfk_clip: Clip) -> np.ndarray:
    return decode_audio(str(jfk_clip.path), sampling_rate=SAMPLE_RATE)


def _faster_whisper_probabilities(audio: np.ndarray) -> np.ndarray:
    model = SileroVADModel(str(vad.default_model_path()))
    padded = np.pad(audio, (0, (-audio.size) % FRAME_SAMPLES))
    return np.asarray(model(padded)).reshape(-1)


def _uneven_blocks(audio: np.ndarray, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.integers(0, audio.size, size=40))
    blocks = np.split(audio, cuts)  # includes empty and tiny blocks
    blocks.insert(3, audio[:0])
    return blocks


def test_frame_seconds_is_32_ms_and_matches_segmentation() -> None:
    assert pytest.approx(0.032) == FRAME_SECONDS
    assert speech.FRAME_SECONDS == FRAME_SECONDS


def test_matches_faster_whisper_on_a_real_clip(
    detector: SpeechDetector, jfk_audio: np.ndarray
) -> None:
    ours = detector.probabilities([jfk_audio])
    theirs = _faster_whisper_probabilities(jfk_audio)
    assert ours.shape == theirs.shape == (int(np.ceil(jfk_audio.size / FRAME_SAMPLES)),)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert ours.max() > 0.9


def test_matches_faster_whisper_across_batches(
    detector: SpeechDetector, corpus: list[Clip]
) -> None:
    long_clip = next(c for c in corpus if c.name == LONG_CLIP)
    audio = decode_audio(str(long_clip.path), sampling_rate=SAMPLE_RATE)
    assert audio.size > 2 * vad.BATCH_FRAMES * FRAME_SAMPLES  # crosses batch boundaries
    ours = detector.probabilities(iter(np.array_split(audio, 7)))
    np.testing.assert_allclose(ours, _faster_whisper_probabilities(audio), atol=1e-5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_uneven_blocks_give_identical_result(
    detector: SpeechDetector, jfk_audio: np.ndarray, seed: int
) -> None:
    audio = np.tile(jfk_audio, 4)  # 44 s: several batches
    whole = detector.probabilities([audio])
    streamed = detector.probabilities(_uneven_blocks(audio, seed))
    np.testing.assert_array_equal(whole, streamed)


def test_one_sample_blocks_and_frame_aligned_blocks(detector: SpeechDetector) -> None:
    rng = np.random.default_rng(5)
    audio = (rng.standard_normal(FRAME_SAMPLES * 6 + 100) * 0.1).astype(np.float32)
    whole = detector.probabilities([audio])
    assert whole.size == 7
    singles = detector.probabilities(audio[i : i + 1] for i in range(audio.size))
    np.testing.assert_array_equal(whole, singles)
    aligned = detector.probabilities(np.split(audio[: FRAME_SAMPLES * 6], 6))
    np.testing.assert_array_equal(whole[:6], aligned)


def test_empty_stream_and_silence(detector: SpeechDetector) -> None:
    assert detector.probabilities([]).size == 0
    assert detector.probabilities([np.zeros(0, dtype=np.float32)]).size == 0
    silence = detector.probabilities([np.zeros(SAMPLE_RATE * 2, dtype=np.float32)])
    assert silence.size == 63
    assert silence.max() < 0.1


def test_int16_blocks_are_scaled(detector: SpeechDetector, jfk_audio: np.ndarray) -> None:
    as_int16 = np.round(jfk_audio * 32767).astype(np.int16)
    np.testing.assert_allclose(
        detector.probabilities([as_int16]), detector.probabilities([jfk_audio]), atol=1e-3
    )


def test_rejects_stereo_blocks(detector: SpeechDetector) -> None:
    with pytest.raises(ValueError, match="1-D"):
        detector.probabilities([np.zeros((2, 1024), dtype=np.float32)])


def test_each_call_starts_fresh(detector: SpeechDetector, jfk_audio: np.ndarray) -> None:
    first = detector.probabilities([jfk_audio])
    detector.probabilities([np.ones(5000, dtype=np.float32)])
    np.testing.assert_array_equal(first, detector.probabilities([jfk_audio]))


def test_memory_stays_bounded_for_long_streams(detector: SpeechDetector) -> None:
    block_seconds, minutes = 30, 10
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(SAMPLE_RATE * block_seconds) * 0.01).astype(np.float32)

    def blocks() -> Iterator[np.ndarray]:
        for _ in range(minutes * 60 // block_seconds):
            yield noise.copy()

    tracemalloc.start()
    try:
        total = 0
        for part in detector.iter_probabilities(blocks()):
            total += part.size
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == minutes * 60 * SAMPLE_RATE // FRAME_SAMPLES
    whole_audio = minutes * 60 * SAMPLE_RATE * 4
    assert peak < 16 * 1024**2 < whole_audio  # a few blocks, never the whole stream


def test_real_speech_gives_spans_inside_the_clip(
    detector: SpeechDetector, jfk_audio: np.ndarray
) -> None:
    gap = np.zeros(SAMPLE_RATE * 3, dtype=np.float32)
    audio = np.concatenate([gap, jfk_audio, gap, jfk_audio])
    duration = audio.size / SAMPLE_RATE
    spans = speech_spans(detector.probabilities([audio]), VadSettings(), duration=duration)
    assert spans
    assert spans[0].start > 2.0  # the leading silence is not speech
    assert spans[-1].end <= duration
    middle_of_gap = 3 + jfk_audio.size / SAMPLE_RATE + 1.5
    assert not any(span.start <= middle_of_gap < span.end for span in spans)
