"""Calibration: run the real model in warm pools of every shape this machine allows, and time it.

For each model, `calibrate` builds the sample (`calibration.sample`), then for each candidate
shape (`calibration.shapes`) starts a real `WarmPool` with that plan, hands every worker one
short warm-up chunk (the pool gives each idle worker one task, so when all warm-up results are
back every worker has loaded the model: that time is the start-up cost), then runs the sample's
chunks `CalibrationSettings.repeats` times, each timed from hand-over to the last result; the
fastest run counts (other load only ever slows a run down). On a busy machine everything takes
longer, so repeats and the extra batch sizes are dropped once `budget_seconds` is running out:
a calibration under load is shorter and says less, rather than taking minutes. A sampler thread
reads the RSS of every worker process meanwhile; the largest is the shape's per-worker peak.
The pools run one after the other, never two at once, so shapes do not compete with each other
(other load on the machine still shows, which is why drift is checked later against real jobs).

The first batch size in `CalibrationSettings.batch_sizes` is tried with every workers x threads
shape; the others only with the fastest of them. `pool_factory` is the seam a test uses to
inject a deliberately slow shape; people never pass it.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import psutil

from video_transcriber.calibration.fingerprint import MachineFingerprint, read_fingerprint
from video_transcriber.calibration.sample import Sample, build_sample
from video_transcriber.calibration.shapes import Shape, candidate_shapes
from video_transcriber.config import Settings
from video_transcriber.domain import TranscribeOptions
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.pipeline.chunk_executor import ChunkExecutor
from video_transcriber.pipeline.chunk_task import ChunkTask
from video_transcriber.tuning.facts import SystemFacts, read_system_facts
from video_transcriber.tuning.measured import Measurements, ShapeFigures
from video_transcriber.tuning.plan import ExecutionPlan

REPEATS_SHARE = 0.4
"""A pool runs the sample again only while less than this share of the time budget is spent."""
EXTRA_SHAPES_SHARE = 0.6
"""The extra batch sizes are measured only while less than this share of the budget is spent."""
RSS_SAMPLE_SECONDS = 0.1
"""How often the worker processes' memory is read while a shape runs."""

PoolFactory = Callable[[Settings, ExecutionPlan], ChunkExecutor]


@dataclass(frozen=True, slots=True)
class CalibrationStep:
    """Progress: `done` of `total` shapes measured; `message` says which one is next or done."""

    done: int
    total: int
    message: str


ProgressHook = Callable[[CalibrationStep], None]


def calibrate(
    settings: Settings,
    *,
    models: Sequence[str] | None = None,
    shapes: Sequence[Shape] | None = None,
    facts: SystemFacts | None = None,
    on_progress: ProgressHook | None = None,
    pool_factory: PoolFactory = WarmPool,
) -> list[Measurements]:
    """Measure every candidate shape (or `shapes`) for each model (default: the configured one)."""
    facts = facts or read_system_facts()
    fingerprint = read_fingerprint(facts)
    names = list(models or [settings.model.name])
    per_model = _shapes_per_model(settings, facts, shapes)
    progress = _Progress(on_progress, total=per_model * len(names))
    results: list[Measurements] = []
    with tempfile.TemporaryDirectory(prefix="vt-calibrate-") as scratch:
        for name in names:
            model_settings = settings.model_copy(
                update={"model": settings.model.model_copy(update={"name": name})}
            )
            run = _ModelRun(model_settings, facts, Path(scratch) / "sample", pool_factory, progress)
            results.append(run.measure(shapes, fingerprint))
    return results


def _shapes_per_model(
    settings: Settings, facts: SystemFacts, shapes: Sequence[Shape] | None
) -> int:
    if shapes is not None:
        return len(shapes)
    first = candidate_shapes(facts, settings)
    return len(first) + len(settings.calibration.batch_sizes) - 1


class _Progress:
    def __init__(self, hook: ProgressHook | None, *, total: int) -> None:
        self._hook, self.total, self.done = hook, total, 0

    def report(self, message: str, *, finished: bool = False) -> None:
        self.done += 1 if finished else 0
        if self._hook is not None:
            self._hook(CalibrationStep(self.done, self.total, message))


class _ModelRun:
    """Calibration of one model: the sample, then each shape in turn."""

    def __init__(
        self,
        settings: Settings,
        facts: SystemFacts,
        work_dir: Path,
        pool_factory: PoolFactory,
        progress: _Progress,
    ) -> None:
        self._settings = settings
        self._facts = facts
        self._work_dir = work_dir
        self._factory = pool_factory
        self._progress = progress

    def measure(
        self, shapes: Sequence[Shape] | None, fingerprint: MachineFingerprint
    ) -> Measurements:
        self._began = time.monotonic()
        explicit = shapes is not None
        shapes = (
            list(shapes) if shapes is not None else candidate_shapes(self._facts, self._settings)
        )
        widest = max(shape.workers for shape in shapes)
        calibration = self._settings.calibration
        copies = max(calibration.min_chunks, calibration.chunks_per_worker * widest)
        self._progress.report(f"{self._settings.model.name}: building the sample")
        sample = build_sample(self._work_dir, self._settings, copies=copies)
        figures = [self._one(shape, sample) for shape in shapes]
        if not explicit:
            best = max(figures, key=lambda f: f.throughput)
            for batch in calibration.batch_sizes[1:]:
                shape = Shape(best.workers, best.threads, batch)
                if self._over(EXTRA_SHAPES_SHARE):
                    self._progress.report(f"skipped {shape.label}: time budget", finished=True)
                    continue
                figures.append(self._one(shape, sample))
        model = self._settings.model
        return Measurements(
            model=model.name,
            compute_type=model.compute_type,
            beam_size=model.beam_size,
            machine_key=fingerprint.key,
            usable_cpus=self._facts.usable_cpus,
            measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
            shapes=tuple(figures),
            machine=fingerprint.to_dict(),
        )

    def _over(self, share: float) -> bool:
        """True once this model's calibration has used `share` of its time budget."""
        budget = self._settings.calibration.budget_seconds
        return time.monotonic() - self._began > share * budget

    def _one(self, shape: Shape, sample: Sample) -> ShapeFigures:
        name = self._settings.model.name
        self._progress.report(f"{name}: measuring {shape.label}")
        options = TranscribeOptions(language="en")
        execution = ExecutionPlan(shape.workers, shape.threads, 0.0, shape.batch_size)
        with _WorkerMemory() as memory:
            started = time.monotonic()
            pool = self._factory(self._settings, execution)
            try:
                _warm_up(pool, sample, options, shape.workers)
                startup = time.monotonic() - started
                wall = _timed_run(pool, sample, options, "calibration-0")
                for run in range(1, self._settings.calibration.repeats):
                    if self._over(REPEATS_SHARE):
                        break
                    wall = min(wall, _timed_run(pool, sample, options, f"calibration-{run}"))
            finally:
                pool.close()
        figures = ShapeFigures(
            workers=shape.workers,
            threads=shape.threads,
            batch_size=shape.batch_size,
            media_seconds=round(sample.media_seconds, 3),
            speech_seconds=round(sample.speech_seconds, 3),
            wall_seconds=round(wall, 3),
            startup_seconds=round(startup, 3),
            peak_worker_rss_bytes=memory.peak,
        )
        self._progress.report(
            f"{name}: {shape.label}: {figures.throughput:.1f} s of media per second",
            finished=True,
        )
        return figures


def _warm_up(pool: ChunkExecutor, sample: Sample, options: TranscribeOptions, workers: int) -> None:
    """One short chunk per worker: an idle warm pool hands each worker one task, so when every
    result is back every worker has loaded the model."""
    job = "calibration-warmup"
    tasks = [
        ChunkTask(job, replace(sample.warmup, index=i), sample.pcm_path, options)
        for i in range(workers)
    ]
    for _ in pool.run(job, tasks):
        pass


def _timed_run(pool: ChunkExecutor, sample: Sample, options: TranscribeOptions, job: str) -> float:
    """Wall seconds from handing the sample's chunks to the warm pool to the last result."""
    tasks = [ChunkTask(job, chunk, sample.pcm_path, options) for chunk in sample.chunks]
    began = time.monotonic()
    for _ in pool.run(job, tasks):
        pass
    return time.monotonic() - began


class _WorkerMemory:
    """Peak RSS of any one child process started while the block runs (the pool's workers)."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._before = {child.pid for child in self._me.children(recursive=True)}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="calibration-rss", daemon=True)
        self.peak = 0

    def __enter__(self) -> _WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            for child in self._me.children(recursive=True):
                if child.pid in self._before:
                    continue
                try:
                    self.peak = max(self.peak, child.memory_info().rss)
                except psutil.Error:
                    continue
            self._stop.wait(RSS_SAMPLE_SECONDS)
