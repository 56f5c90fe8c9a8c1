"""A real job's ETA from the measured rate: calibrate the pool shape, then run a real job on
real speech (a 3-minute lecture of the corpus' English utterances with pauses, 30 s chunks)
through the service's `PipelineRunner` with this machine's history on a real SQLite store.
Every chunk's timing is recorded, and the ETA, before the first chunk is back and once a fifth
of the speech is done, is within bounds of the true time left.

Bounds are measured plus a margin on the shared 2-core machine (at load 11: 2 % off before any
chunk, 19 % at 31 % done; bench/eta.py measures the 60-minute target): before any chunk, from
the calibration alone, within 60 %; after 20 %, within 50 %."""

from __future__ import annotations

import time
from pathlib import Path

from testkit.evaluation.corpus import Clip
from testkit.evaluation.lecture import build_lecture
from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.calibration.runner import calibrate
from video_transcriber.calibration.shapes import Shape
from video_transcriber.config import CalibrationSettings, Settings
from video_transcriber.domain import Progress, Stage, TranscribeOptions
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.pipeline.runner import PipelineRunner, RunRequest
from video_transcriber.store.calibration_store import CalibrationStore
from video_transcriber.store.job_store import JobStore
from video_transcriber.tuning.plan import ExecutionPlan

LECTURE_SECONDS = 180.0
FIRST_BOUND = 0.60
AFTER_20_BOUND = 0.50


def test_eta_from_the_measured_rate_is_within_bounds(
    corpus: list[Clip], calibration_sample: Path, tmp_path: Path
) -> None:
    english = [c for c in corpus if c.language == "en" and c.kind == "utterance"]
    lecture = build_lecture(
        english, target_seconds=LECTURE_SECONDS, out=tmp_path / "lecture.wav", seed=3,
        video=False, container="wav",
    )  # fmt: skip
    quick = CalibrationSettings(
        sample=calibration_sample, min_chunks=2, chunks_per_worker=1, repeats=1
    )
    settings = Settings(calibration=quick)
    jobs = JobStore(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    history = MachineHistory(CalibrationStore(jobs.engine), settings.calibration)
    [measured] = calibrate(settings, shapes=[Shape(2, 1, 4)])
    history.save(measured)
    rate, source = history.expected_rate(settings.model, 2, 1)
    assert rate is not None and source == "this machine's calibration"

    events: list[tuple[float, Progress]] = []

    def on_progress(progress: Progress) -> None:
        if progress.stage is Stage.TRANSCRIBING:
            events.append((time.monotonic(), progress))

    execution = ExecutionPlan(2, 1, 30.0, 4)
    with WarmPool(settings, execution) as pool:
        runner = PipelineRunner(settings, pool, execution, history=history)
        runner.transcribe(
            RunRequest(
                job_id="eta-job", path=lecture.path, options=TranscribeOptions(language="en"),
                work_dir=tmp_path / "work", done={}, chunk_seconds=30.0, on_progress=on_progress,
                on_chunk=lambda _result: None, on_chunk_start=lambda _index: None,
            )
        )  # fmt: skip
        end = time.monotonic()
    timings = history.store.job_timings("eta-job")
    jobs.close()

    chunks = events[-1][1].chunks_total
    assert chunks >= 4 and len(timings) == chunks
    speech = sum(t.speech_seconds for t in timings)
    assert 0.5 * LECTURE_SECONDS < speech < LECTURE_SECONDS
    assert all(
        t.wall_seconds > 0 and t.words > 0 and (t.workers, t.threads) == (2, 1) for t in timings
    )

    def error(at: float, progress: Progress) -> float:
        assert progress.eta_seconds is not None
        return abs(progress.eta_seconds - (end - at)) / (end - at)

    first = events[0]
    after = next(e for e in events if 20 <= e[1].percent < 100)
    seen = f"first {error(*first):.0%}, at {after[1].percent:.0f} %: {error(*after):.0%}"
    assert first[1].percent == 0 and error(*first) <= FIRST_BOUND, seen
    assert error(*after) <= AFTER_20_BOUND, seen
