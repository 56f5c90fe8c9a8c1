"""Chunk timings → the machine's rate, the ETA and drift (pure; synthetic timings)."""

from __future__ import annotations

import math

import pytest

from video_transcriber.tuning.history import (
    PRIOR_SHARE,
    PRIOR_TOLERANCE,
    ChunkTiming,
    Eta,
    drift,
    expected_rate,
    pool_rate,
    prior_trust,
    scheduled_seconds,
)
from video_transcriber.tuning.measured import Measurements, ShapeFigures


def timing(speech: float, wall: float, *, workers: int = 2, threads: int = 1) -> ChunkTiming:
    return ChunkTiming(
        "job", 0, speech, speech + 5, 100, wall, workers, threads, 4, "tiny.en", "int8", "m"
    )


def calibration(speech_rate: float) -> Measurements:
    shape = ShapeFigures(2, 1, 4, 100.0 * speech_rate, 100.0 * speech_rate, 100.0, 2.0, 300)
    return Measurements("tiny.en", "int8", 5, "m", 2, "2026-12-02T16:40:00+00:00", (shape,))


def test_pool_rate_is_workers_times_the_median_chunk_rate() -> None:
    timings = [timing(100, 10), timing(100, 10), timing(100, 12.5), timing(100, 50)]  # one outlier
    assert pool_rate(timings, 2, 1) == pytest.approx(2 * (10 + 8) / 2)
    assert pool_rate(timings, 1, 2) is None  # another shape
    assert pool_rate(timings[:3], 2, 1) is None  # too few


def test_expected_rate_prefers_recent_chunks_then_the_calibration() -> None:
    recent = [timing(100, 10)] * 4
    assert expected_rate(recent, calibration(30), 2, 1) == (
        20.0,
        "the last 4 chunks on this machine",
    )
    assert expected_rate([], calibration(30), 2, 1) == (30.0, "this machine's calibration")
    assert expected_rate([], None, 2, 1) == (None, "this job's own pace")


def test_eta_uses_the_prior_first_then_the_job_more_and_more() -> None:
    eta = Eta(prior_rate=20.0, total_speech=1000.0, workers=2)  # 10 s/s per worker
    # nothing run yet: ten queued chunks of 100 s over 2 workers at 10 s/s each
    assert eta.seconds([], [100.0] * 10, 0.0, 0.0) == pytest.approx(50.0)
    # the run's workers did 200 s of speech in 21 s of their time (9.5 s/s, within the prior's
    # tolerance): weight 200 / 450
    rate = (200 / 450) * (200 / 21) + (250 / 450) * 10.0
    assert eta.worker_rate(200.0, 21.0) == pytest.approx(rate)
    # at 5 s/s the job disagrees with the prior by 2x: the prior weighs 2 % of that, the job ~98 %
    share = PRIOR_SHARE * (PRIOR_TOLERANCE / math.log(2)) ** 2
    weight = 200 / (200 + share * 1000)
    assert eta.worker_rate(200.0, 40.0) == pytest.approx(weight * 5.0 + (1 - weight) * 10.0)
    assert 5.0 < (eta.worker_rate(200.0, 40.0) or 0.0) < 5.2
    assert prior_trust(5.0, 10.0) == pytest.approx(prior_trust(20.0, 10.0))
    # no prior: the run's own rate; nothing at all: unknown
    assert Eta(None, 1000.0, 2).worker_rate(200.0, 40.0) == pytest.approx(5.0)
    assert Eta(None, 1000.0, 2).seconds([], [100.0], 0.0, 0.0) is None


def test_eta_counts_chunks_in_flight_and_the_tail() -> None:
    eta = Eta(prior_rate=20.0, total_speech=400.0, workers=2)
    # two chunks of 100 s running for 8 s (80 s done each), one of 100 s queued:
    # both workers free at 2 s, the queued chunk then takes 10 s on one of them
    assert eta.seconds([(100.0, 8.0), (100.0, 8.0)], [100.0], 0.0, 0.0) == pytest.approx(12.0)
    # a single last chunk is not split over idle workers
    assert eta.seconds([], [100.0], 0.0, 0.0) == pytest.approx(10.0)
    assert scheduled_seconds([], [], 2, 10.0) == 0.0


def test_drift_says_how_much_slower_and_suggests_why() -> None:
    slow = drift([timing(100, 10)] * 4, calibration(30.0), 2, 1, fraction=0.25)
    assert slow is not None and slow.ratio == pytest.approx(20 / 30)
    assert slow.sentence().startswith("This machine now runs 33% slower than its calibration (2x1:")
    assert "other load?" in slow.sentence()
    assert drift([timing(100, 10)] * 4, calibration(22.0), 2, 1, fraction=0.25) is None
    assert drift([timing(100, 10)] * 4, None, 2, 1, fraction=0.25) is None
