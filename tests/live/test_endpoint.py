"""Utterance ends: the streaming detector scores a real stream like the batch one, and the
endpointer closes each utterance once it has been silent long enough."""

from __future__ import annotations

import numpy as np

from tests.live.conftest import SpeechStream, frames
from video_transcriber.engine.vad import SpeechDetector
from video_transcriber.engine.vad_stream import VadModel
from video_transcriber.live.buffer import PcmBuffer
from video_transcriber.live.endpoint import Endpointer


def test_streaming_scores_match_the_batch_detector(two_clip_stream: SpeechStream) -> None:
    buffer = PcmBuffer()
    vad = VadModel().stream()
    streamed = np.concatenate([vad.feed(buffer.append(f)) for f in frames(two_clip_stream.pcm)])
    batch = SpeechDetector().probabilities([buffer.samples()])
    assert streamed.size == batch.size - 1 or streamed.size == batch.size  # the padded tail
    np.testing.assert_allclose(streamed, batch[: streamed.size], atol=1e-4)


def test_each_clip_closes_one_utterance_inside_its_audio(two_clip_stream: SpeechStream) -> None:
    buffer = PcmBuffer()
    vad = VadModel().stream()
    endpoint = Endpointer(threshold=0.5, end_silence=0.4)
    closed = []
    for frame in frames(two_clip_stream.pcm, seed=5):
        closed += endpoint.push(vad.feed(buffer.append(frame)))
    assert endpoint.flush() is None  # the stream ends in silence
    # one utterance per clip at least (a speaker's own long pause may split one), each inside
    # its clip, give or take a frame of detection delay
    for start, end in closed:
        assert any(lo - 0.1 <= start and end <= hi + 0.1 for lo, hi in two_clip_stream.spans)
    for lo, hi in two_clip_stream.spans:
        inside = [(s, e) for s, e in closed if lo - 0.1 <= s and e <= hi + 0.1]
        assert inside, (lo, hi, closed)
        assert inside[-1][1] > hi - 1.0  # the clip's last words are inside an utterance


def test_short_bursts_are_not_utterances() -> None:
    endpoint = Endpointer(threshold=0.5, end_silence=0.4, min_speech=0.25)
    burst = np.array([0.9] * 3 + [0.0] * 20, dtype=np.float32)  # 96 ms of "speech"
    assert endpoint.push(burst) == []
    speech = np.array([0.9] * 20 + [0.0] * 20, dtype=np.float32)
    closed = endpoint.push(speech)
    assert len(closed) == 1
    start, end = closed[0]
    assert np.isclose(start, 23 * 0.032) and np.isclose(end, 43 * 0.032)
