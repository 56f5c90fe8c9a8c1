"""This machine's history on a real SQLite job store: chunk timings recorded as the service
records them, the expected rate they give, and the drift note the tuning service shows when
recent jobs run slower than the calibration (synthetic figures; the real model is in
test_runner and test_eta)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from video_transcriber.calibration.fingerprint import read_fingerprint
from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.config import Settings
from video_transcriber.domain import Chunk, ChunkResult, Segment, SpeechSpan
from video_transcriber.jobs.tuning_service import TuningService
from video_transcriber.store.calibration_store import CalibrationStore
from video_transcriber.store.job_store import JobStore
from video_transcriber.tuning.facts import SystemFacts
from video_transcriber.tuning.measured import Measurements, ShapeFigures
from video_transcriber.tuning.plan import ExecutionPlan

PLAN = ExecutionPlan(2, 1, 120.0, 4)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[MachineHistory]:
    jobs = JobStore(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    yield MachineHistory(CalibrationStore(jobs.engine), Settings().calibration)
    jobs.close()


def calibration(key: str, speech_rate: float) -> Measurements:
    shape = ShapeFigures(2, 1, 4, 152.0, 100.0 * speech_rate / 10, 10.0, 2.0, 280 * 1024**2)
    return Measurements("tiny.en", "int8", 5, key, 2, "2026-12-02T17:00:00+00:00", (shape,))


def record_chunks(history: MachineHistory, wall: float, count: int = 6) -> None:
    for index in range(count):
        chunk = Chunk(
            index,
            index * 120.0,
            index * 120.0 + 100.0,
            (SpeechSpan(index * 120.0, index * 120.0 + 100.0),),
        )
        segment = Segment(chunk.start, chunk.end, "four words of text")
        history.record(
            "job-1", PLAN, Settings().model, chunk, ChunkResult(index, (segment,), "en", wall)
        )


def test_timings_are_recorded_and_give_the_expected_rate(history: MachineHistory) -> None:
    model = Settings().model
    assert history.expected_rate(model, 2, 1) == (None, "this job's own pace")
    history.save(calibration(history.key, 30.0))
    assert history.expected_rate(model, 2, 1) == (pytest.approx(30.0), "this machine's calibration")
    record_chunks(history, wall=10.0)  # 100 s of speech in 10 s per worker, 2 workers: 20 s/s
    timings = history.store.job_timings("job-1")
    assert [(t.speech_seconds, t.media_seconds, t.words, t.wall_seconds) for t in timings] == [
        (100.0, 100.0, 4, 10.0)
    ] * 6
    assert {(t.workers, t.threads, t.batch_size, t.machine_key) for t in timings} == {
        (2, 1, 4, read_fingerprint().key)
    }
    assert history.expected_rate(model, 2, 1) == (
        pytest.approx(20.0),
        "the last 6 chunks on this machine",
    )


def test_the_tuning_service_points_out_drift(history: MachineHistory, tmp_path: Path) -> None:
    settings = Settings().model_copy(
        update={"service": Settings().service.model_copy(update={"data_dir": tmp_path})}
    )
    two_cpus = SystemFacts(2, 2, 24 * 1024**3, 20 * 1024**3)  # what the calibration was on
    service = TuningService(settings, None, history=history, facts=lambda: two_cpus)
    assert service.notes(PLAN) == []
    history.save(calibration(history.key, 30.0))
    record_chunks(history, wall=10.0)  # 20 s/s against 30 calibrated: a third slower
    [note] = service.notes(PLAN)
    assert note.startswith("This machine now runs 33% slower than its calibration (2x1: 20 s")
    assert "other load?" in note
    assert any(
        r.startswith("Measured on this machine (tiny.en")
        for r in service.optimal_plan(service.facts()).reasons
    )
