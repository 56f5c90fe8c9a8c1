"""The rolling buffer takes PCM in frames of any size, odd byte counts included, and trims."""

from __future__ import annotations

import numpy as np

from tests.live.conftest import frames
from video_transcriber.live.buffer import PcmBuffer
from video_transcriber.live.recorder import WavRecorder


def _pcm(samples: int) -> tuple[np.ndarray, bytes]:
    values = np.arange(-samples // 2, samples - samples // 2, dtype="<i2")
    return values, values.tobytes()


def test_samples_are_the_same_however_the_bytes_are_cut() -> None:
    values, pcm = _pcm(40_001)
    buffer = PcmBuffer()
    for frame in frames(pcm, seed=3):
        buffer.append(frame)
    assert buffer.received == values.size
    np.testing.assert_array_equal(buffer.samples(), values.astype(np.float32) / 32768.0)
    assert buffer.end == values.size / 16_000


def test_trim_moves_the_offset_and_keeps_the_rest() -> None:
    values, pcm = _pcm(32_000)
    buffer = PcmBuffer()
    buffer.append(pcm)
    buffer.trim(0.5)
    assert buffer.offset == 0.5
    assert buffer.seconds == 1.5
    np.testing.assert_array_equal(buffer.samples()[:3], values[8000:8003] / 32768.0)
    assert buffer.samples(until=1.0).size == 8000
    buffer.trim(0.25)  # before the offset: nothing changes
    assert buffer.offset == 0.5
    buffer.trim(9.0)  # past the end: everything goes, the clock does not
    assert buffer.seconds == 0.0 and buffer.offset == 2.0


def test_recorder_writes_every_whole_sample(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import wave

    _values, pcm = _pcm(16_001)
    recorder = WavRecorder(tmp_path / "live" / "kept.wav")
    for frame in frames(pcm, seed=1):
        recorder.write(frame)
    path = recorder.close()
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16_000, 1, 2)
        assert wav.readframes(wav.getnframes()) == pcm
