"""In-memory FLAC: lossless after int16 quantisation, and smaller than raw PCM."""

from __future__ import annotations

import numpy as np
import pytest

from testkit.evaluation.corpus import Clip
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.decode import iter_audio
from video_transcriber.media.flac import decode_flac, encode_flac
from video_transcriber.media.pcm import to_float32, to_int16


@pytest.mark.parametrize("length", [1, 4095, 4096, 4097, SAMPLE_RATE * 3 + 17])
def test_round_trip_is_exact_after_quantisation(length: int) -> None:
    samples = np.random.default_rng(length).uniform(-1, 1, length).astype(np.float32)
    decoded = decode_flac(encode_flac(samples))
    assert decoded.dtype == np.float32
    np.testing.assert_array_equal(decoded, to_float32(to_int16(samples)))


def test_int16_input_round_trips_bit_for_bit() -> None:
    pcm = np.random.default_rng(3).integers(-32768, 32767, 10_000).astype(np.int16)
    np.testing.assert_array_equal(to_int16(decode_flac(encode_flac(pcm))), pcm)


def test_real_speech_compresses(jfk_clip: Clip) -> None:
    speech = np.concatenate(list(iter_audio(jfk_clip.path)))
    data = encode_flac(speech)
    assert data[:4] == b"fLaC"
    assert len(data) < 0.8 * len(speech) * 2
    np.testing.assert_array_equal(decode_flac(data), to_float32(to_int16(speech)))
