"""Tuning that changes while the service runs: persisted overrides, and a runner that applies them.

`POST /api/performance/optimize` stores workers, threads per worker, chunk length and batch size
in `<data_dir>/tuning.json`; `tuned_settings` lays them over the settings at start-up, so they
survive restarts. A key present with `null` means "let the planner decide" even if the
environment forces a value, which is how "apply the plan" returns chunking to automatic.

`TunableRunner` wraps the real runner (`PipelineRunner` over a `WarmPool`). `apply(settings)` takes
effect for the next job at once: the new plan gets a new `PipelineRunner`, and a new warm pool only
when workers or threads change. Jobs already running keep the pool they started on; a replaced
pool is closed (in the background) as soon as its last job finishes, its own next idle moment.
For that short while two pools run side by side, which costs memory but never stops a job.

Changes while the service runs go through `jobs.tuning_service.TuningService`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.config import Settings, TuningSettings
from video_transcriber.domain import Transcript
from video_transcriber.pipeline.chunk_executor import ChunkExecutor
from video_transcriber.pipeline.runner import PipelineRunner, RunRequest
from video_transcriber.tuning.facts import SystemFacts, read_system_facts
from video_transcriber.tuning.plan import ExecutionPlan, plan

log = logging.getLogger(__name__)

OVERRIDES_FILE = "tuning.json"
"""Under the service data directory."""
TunableField = Literal["workers", "threads_per_worker", "chunk_seconds", "batch_size"]
TUNABLE_FIELDS: tuple[TunableField, ...] = get_args(TunableField)
"""The `TuningSettings` fields the performance API may change."""

Overrides = dict[str, Any]
"""Field name -> value (or None: automatic) for fields in `TUNABLE_FIELDS`."""
PoolFactory = Callable[[Settings, ExecutionPlan], ChunkExecutor]


def overrides_path(settings: Settings) -> Path:
    return Path(settings.service.data_dir) / OVERRIDES_FILE


def load_overrides(settings: Settings) -> Overrides:
    """The persisted overrides; a missing or unreadable file means none (the latter is logged)."""
    path = overrides_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring tuning overrides in %s: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("ignoring tuning overrides in %s: not a JSON object", path)
        return {}
    return {key: data[key] for key in TUNABLE_FIELDS if key in data}


def save_overrides(settings: Settings, overrides: Mapping[str, Any]) -> None:
    """Write the overrides atomically (a crash leaves the old file or the new one)."""
    path = overrides_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    body = {key: overrides[key] for key in TUNABLE_FIELDS if key in overrides}
    partial.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def with_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """`settings` with the overrides put into `tuning`, validated like the environment."""
    update = {key: overrides[key] for key in TUNABLE_FIELDS if key in overrides}
    tuning = TuningSettings.model_validate({**settings.tuning.model_dump(), **update})
    return settings.model_copy(update={"tuning": tuning})


def tuned_settings(settings: Settings) -> Settings:
    """`settings` with the persisted overrides applied; invalid ones are logged and skipped."""
    overrides = load_overrides(settings)
    if not overrides:
        return settings
    try:
        return with_overrides(settings, overrides)
    except ValueError as exc:
        log.warning("ignoring tuning overrides in %s: %s", overrides_path(settings), exc)
        return settings


def warm_pool(settings: Settings, execution: ExecutionPlan) -> ChunkExecutor:
    """The warm local pool, or the Celery executor when `settings.executor == "celery"`."""
    from video_transcriber.executors.choice import make_executor

    return make_executor(settings, execution)


@dataclass(eq=False)
class _Pool:
    """A chunk executor and the jobs running on it; closed once retired and idle."""

    executor: ChunkExecutor
    workers: int
    threads: int
    running: int = 0
    retired: bool = False


@dataclass(frozen=True, slots=True)
class Applied:
    """What `TunableRunner.apply` did."""

    plan: ExecutionPlan
    pool_restarted: bool
    """A new warm pool was started for the next jobs."""
    old_pool_busy: int
    """Jobs still running on the replaced pool; it closes when they finish."""


class TunableRunner:
    """A `JobRunner` whose settings and pool can change between jobs (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        *,
        pool_factory: PoolFactory = warm_pool,
        facts: Callable[[], SystemFacts] = read_system_facts,
        history: MachineHistory | None = None,
    ) -> None:
        self._pool_factory = pool_factory
        self._facts = facts
        self._history = history
        self._lock = threading.Lock()
        self._jobs: dict[str, tuple[PipelineRunner, _Pool]] = {}
        self._draining: list[_Pool] = []
        execution = self._plan(settings)
        log.info("starting %d x %d threads", execution.workers, execution.threads_per_worker)
        self._pool = self._start_pool(settings, execution)
        self._runner = PipelineRunner(settings, self._pool.executor, execution, history=history)
        self._execution = execution

    @property
    def plan(self) -> ExecutionPlan:
        """The plan new jobs run with (its chunk length is the default for unknown media)."""
        return self._execution

    def _plan(self, settings: Settings) -> ExecutionPlan:
        measured = None if self._history is None else self._history.measurements(settings.model)
        return plan(self._facts(), None, settings.tuning, settings.model, measurements=measured)

    def _start_pool(self, settings: Settings, execution: ExecutionPlan) -> _Pool:
        executor = self._pool_factory(settings, execution)
        return _Pool(executor, execution.workers, execution.threads_per_worker)

    def apply(self, settings: Settings) -> Applied:
        """Use `settings` for the next jobs; restart the pool if workers or threads change."""
        execution = self._plan(settings)
        with self._lock:
            current = self._pool
        same = (current.workers, current.threads) == (
            execution.workers,
            execution.threads_per_worker,
        )
        # Start the new pool outside the lock: spawning workers must not hold up running jobs.
        pool = current if same else self._start_pool(settings, execution)
        with self._lock:
            old, self._pool = self._pool, pool
            self._runner = PipelineRunner(settings, pool.executor, execution, history=self._history)
            self._execution = execution
            busy = 0
            if old is not pool:
                old.retired = True
                busy = old.running
                if busy:
                    self._draining.append(old)
        if old is not pool and busy == 0:
            _close_in_background(old)
        return Applied(execution, pool_restarted=not same, old_pool_busy=busy)

    # -- JobRunner ------------------------------------------------------------------------------

    def chunk_seconds(self, duration: float | None) -> float:
        with self._lock:
            runner = self._runner
        return runner.chunk_seconds(duration)

    def transcribe(self, request: RunRequest) -> Transcript:
        job_id = request.job_id
        with self._lock:
            runner, pool = self._runner, self._pool
            pool.running += 1
            self._jobs[job_id] = (runner, pool)
        try:
            return runner.transcribe(request)
        finally:
            with self._lock:
                self._jobs.pop(job_id, None)
                pool.running -= 1
                drained = pool.retired and pool.running == 0
                if drained and pool in self._draining:
                    self._draining.remove(pool)
            if drained:
                _close_in_background(pool)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            entry = self._jobs.get(job_id)
        if entry is not None:
            entry[0].cancel(job_id)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            runner = self._runner
        return runner.describe()

    def close(self) -> None:
        with self._lock:
            pools = [self._pool, *self._draining]
            self._draining.clear()
        for pool in pools:
            pool.executor.close()


def _close_in_background(pool: _Pool) -> None:
    """Closing waits for worker processes to exit; no request or job should wait for that."""
    log.info("closing the replaced pool of %d workers x %d threads", pool.workers, pool.threads)
    threading.Thread(target=pool.executor.close, name="close-old-pool", daemon=True).start()
