"""The run's meter: percent over speech, chunks in flight, the ETA from the expected rate and
the workers' own time (a hand-moved clock; the real pipeline is in test_transcription)."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Chunk, ChunkResult, SpeechSpan
from video_transcriber.pipeline.meter import Meter
from video_transcriber.tuning.history import PRIOR_SHARE, prior_trust


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def chunks(count: int, speech: float = 100.0) -> list[Chunk]:
    return [
        Chunk(i, i * 120.0, i * 120.0 + speech, (SpeechSpan(i * 120.0, i * 120.0 + speech),))
        for i in range(count)
    ]


def test_eta_from_the_expected_rate_then_from_the_workers_own_time() -> None:
    clock = Clock()
    meter = Meter(chunks(4), {}, expected_rate=20.0, workers=2, clock=clock)
    assert meter.progress().eta_seconds == pytest.approx(20.0)  # 400 s over 2 x 10 s/s
    meter.started(0)
    meter.started(1)
    clock.now = 5.0  # both half done at the expected rate
    assert meter.progress().eta_seconds == pytest.approx(15.0)
    clock.now = 10.0
    meter.finished(ChunkResult(0, (), "en", decode_seconds=10.0))
    meter.finished(ChunkResult(1, (), "en", decode_seconds=10.0))
    progress = meter.progress()
    assert progress.percent == pytest.approx(50.0) and progress.chunks_done == 2
    assert progress.eta_seconds == pytest.approx(10.0)  # two left, one per worker


def test_a_slower_run_than_expected_moves_the_eta() -> None:
    clock = Clock()
    meter = Meter(chunks(8), {}, expected_rate=20.0, workers=2, clock=clock)
    for index in (0, 1):
        meter.started(index)
    clock.now = 20.0
    for index in (0, 1):  # each worker took 20 s for 100 s of speech: 5 s/s, half the expected
        meter.finished(ChunkResult(index, (), "en", decode_seconds=20.0))
    # 2x slower than expected: the prior keeps only `prior_trust` of its quarter share
    weight = 200 / (200 + PRIOR_SHARE * prior_trust(5.0, 10.0) * 800)
    rate = weight * 5.0 + (1 - weight) * 10.0
    assert meter.progress().eta_seconds == pytest.approx(300.0 / rate)
    assert 300.0 / 5.0 > (meter.progress().eta_seconds or 0.0) > 300.0 / 5.2


def test_resumed_chunks_count_as_done_but_not_for_the_rate() -> None:
    done = {0: ChunkResult(0, (), "en", decode_seconds=99.0)}
    meter = Meter(chunks(2), done, expected_rate=10.0, workers=1, clock=Clock())
    progress = meter.progress()
    assert progress.percent == pytest.approx(50.0)
    assert progress.eta_seconds == pytest.approx(10.0)
    assert Meter(chunks(2), {}, workers=1, clock=Clock()).progress().eta_seconds is None
