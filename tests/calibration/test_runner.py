"""Calibration with the real model on real speech (the generated `calibration_sample`): it
measures every shape it is given, picks the faster one (a slow shape is injected), stores the
result in a real SQLite job store and the planner then cites it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.calibration import slow_workers
from video_transcriber.calibration.runner import CalibrationStep, calibrate
from video_transcriber.calibration.shapes import Shape
from video_transcriber.config import CalibrationSettings, Settings
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.executors.pool_worker import load_transcriber
from video_transcriber.pipeline.chunk_executor import ChunkExecutor
from video_transcriber.store.calibration_store import CalibrationStore
from video_transcriber.store.job_store import JobStore
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.measured import Measurements
from video_transcriber.tuning.plan import ExecutionPlan, plan

FAST = Shape(1, 1, 4)
SLOW = Shape(1, 1, 2)
"""Same workers x threads; the batch size marks which pool gets the slow handler."""


def injected(settings: Settings, execution: ExecutionPlan) -> ChunkExecutor:
    slow = execution.batch_size == SLOW.batch_size
    factory = slow_workers.slow_transcriber if slow else load_transcriber
    return WarmPool(settings, execution, handler_factory=factory)


@pytest.fixture(scope="module")
def calibrated(calibration_sample: Path) -> tuple[Measurements, list[CalibrationStep]]:
    # every pool runs the sample twice whatever the load (no time budget cuts the repeats)
    quick = CalibrationSettings(
        sample=calibration_sample, min_chunks=1, chunks_per_worker=1, budget_seconds=3600.0
    )
    settings = Settings(calibration=quick)
    steps: list[CalibrationStep] = []
    [measurements] = calibrate(
        settings, shapes=[SLOW, FAST], on_progress=steps.append, pool_factory=injected
    )
    return measurements, steps


def test_measures_each_shape_and_picks_the_faster(
    calibrated: tuple[Measurements, list[CalibrationStep]],
) -> None:
    measurements, steps = calibrated
    slow, fast = measurements.shapes
    assert (slow.batch_size, fast.batch_size) == (SLOW.batch_size, FAST.batch_size)
    # one copy of the 37.9 s clip, its speech inside it
    assert 35.0 < fast.media_seconds < 38.0 and 30.0 < fast.speech_seconds <= fast.media_seconds
    # the slow pool sleeps 6 s in its only chunk, more than the other load here moves a run
    assert slow.wall_seconds >= slow_workers.SLOW_SECONDS
    assert slow.throughput < fast.throughput
    assert measurements.fastest() == fast
    # a worker with tiny.en loaded and decoding: measured 250-280 MB here; not a toy process
    assert 100 * 1024**2 < fast.peak_worker_rss_bytes < 1024**3
    assert fast.startup_seconds > 0
    assert steps[-1].done == steps[-1].total == 2


def test_store_round_trip_and_plan_cites_the_measurement(
    calibrated: tuple[Measurements, list[CalibrationStep]], tmp_path: Path
) -> None:
    measurements, _ = calibrated
    jobs = JobStore(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    try:
        store = CalibrationStore(jobs.engine)
        store.save(measurements)
        found = store.latest(measurements.machine_key, "tiny.en", "int8")
        assert store.latest("another-machine", "tiny.en", "int8") is None
    finally:
        jobs.close()
    assert found == measurements
    settings = Settings()
    facts = read_system_facts()
    chosen = plan(facts, None, settings.tuning, settings.model, measurements=found)
    assert (chosen.workers, chosen.threads_per_worker, chosen.batch_size) == (1, 1, 4)
    text = " ".join(chosen.reasons)
    assert "Measured on this machine (tiny.en" in text
    fastest = measurements.fastest()
    assert fastest is not None
    assert f"1x1: {fastest.throughput:.0f} s of media per second" in text
    assert "measured peak" in text
