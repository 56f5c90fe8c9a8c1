"""Changing the tuning while the service runs: the limits a change must keep, and the service
that applies changes one at a time.

`POST /api/performance/optimize` hands its body to `TuningService.optimize`, which checks it
against `TuningLimits`, saves it with the other overrides (`jobs.tunable`), publishes the new
settings and gives them to the `TunableRunner`. The limits are not written down twice: each range
is the `TuningSettings` field's own `ge`/`le` constraint, capped by the settings' `max_workers`
and `max_chunk_seconds`, plus one rule of the API's own, `MAX_TOTAL_THREADS`. A change that is
out of range by itself is a `TuningError` (422); one that is fine alone but not with the saved
values (threads that, times the saved workers, are too many) is a `TuningConflictError` (409).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.config import Settings, TuningSettings
from video_transcriber.errors import TuningConflictError, TuningError
from video_transcriber.jobs.tunable import (
    TUNABLE_FIELDS,
    Applied,
    Overrides,
    TunableRunner,
    load_overrides,
    save_overrides,
    with_overrides,
)
from video_transcriber.tuning.facts import SystemFacts, read_system_facts
from video_transcriber.tuning.measured import Measurements
from video_transcriber.tuning.plan import ExecutionPlan, Recommendation, plan, recommendations

MAX_TOTAL_THREADS = 64
"""Workers x threads per worker that a change through the API may ask for, whatever the machine
(the environment may force more; the planner then warns that the CPUs are oversubscribed)."""


def field_bounds(name: str) -> tuple[float, float]:
    """The `ge` and `le` constraints of the `TuningSettings` field `name`: the one place the
    range of a tunable value is written down."""
    low = high = None
    for constraint in TuningSettings.model_fields[name].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    if low is None or high is None:
        raise LookupError(f"TuningSettings.{name} has no ge/le bounds")
    return low, high  # as written: ints for int fields


def _int_bounds(name: str, cap: float = float("inf")) -> tuple[int, int]:
    low, high = field_bounds(name)
    return int(low), int(min(high, cap))


@dataclass(frozen=True, slots=True)
class TuningLimits:
    """The values a change may ask for: each field's own range, capped by the settings."""

    workers: tuple[int, int]
    threads_per_worker: tuple[int, int]
    chunk_seconds: tuple[float, float]
    batch_size: tuple[int, int]
    total_threads: int = MAX_TOTAL_THREADS

    @classmethod
    def of(cls, tuning: TuningSettings) -> TuningLimits:
        low, high = field_bounds("chunk_seconds")
        return cls(
            workers=_int_bounds("workers", tuning.max_workers),
            threads_per_worker=_int_bounds("threads_per_worker"),
            chunk_seconds=(low, min(high, tuning.max_chunk_seconds)),
            batch_size=_int_bounds("batch_size"),
        )

    def problems(self, values: Mapping[str, Any]) -> list[str]:
        """What in `values` is out of these limits, one phrase each; None (automatic) passes."""
        found = [
            _range_problem(name, values[name], bounds)
            for name, bounds in self._ranges()
            if values.get(name) is not None and not bounds[0] <= values[name] <= bounds[1]
        ]
        workers, threads = values.get("workers"), values.get("threads_per_worker")
        if workers is not None and threads is not None and workers * threads > self.total_threads:
            found.append(
                f"{workers} workers x {threads} threads = {workers * threads} threads, "
                f"more than {self.total_threads} in total"
            )
        return found

    def thread_bands(self) -> list[tuple[int, int, int]]:
        """`(first, last, threads)`: for workers from `first` to `last`, at most `threads` threads
        per worker keep within `total_threads`; the bands cover every allowed worker count."""
        bands: list[tuple[int, int, int]] = []
        low, high = self.workers
        for workers in range(low, high + 1):
            threads = min(self.threads_per_worker[1], self.total_threads // workers)
            if bands and bands[-1][2] == threads:
                bands[-1] = (bands[-1][0], workers, threads)
            else:
                bands.append((workers, workers, threads))
        return bands

    def _ranges(self) -> list[tuple[str, tuple[float, float]]]:
        return [
            ("workers", self.workers),
            ("threads_per_worker", self.threads_per_worker),
            ("chunk_seconds", self.chunk_seconds),
            ("batch_size", self.batch_size),
        ]


_RAISED_BY = {"workers": "VT_TUNING__MAX_WORKERS", "chunk_seconds": "VT_TUNING__MAX_CHUNK_SECONDS"}
"""The setting that caps a range below its field's own bound."""


def _range_problem(name: str, value: float, bounds: tuple[float, float]) -> str:
    low, high = bounds
    problem = f"{name}={value:g} is outside {low:g}-{high:g}"
    if value > high and name in _RAISED_BY and value <= field_bounds(name)[1]:
        problem += f" (raise {_RAISED_BY[name]} to allow more)"
    return problem


@dataclass(frozen=True, slots=True)
class Optimized:
    """What `TuningService.optimize` saved and did."""

    overrides: Overrides
    plan: ExecutionPlan
    pool_restarted: bool
    jobs_on_old_pool: int
    message: str


class TuningService:
    """The tuning this service runs with, and the one way to change it while it runs.

    `runner` is the pool to retune, or None where jobs run without one (a test's fake runner, or
    an executor elsewhere): changes are then only saved. `publish` receives every new settings
    object (the API keeps it as the app's settings); changes are applied one at a time.
    """

    def __init__(
        self,
        settings: Settings,
        runner: TunableRunner | None,
        *,
        publish: Callable[[Settings], None] = lambda _settings: None,
        facts: Callable[[], SystemFacts] = read_system_facts,
        history: MachineHistory | None = None,
    ) -> None:
        self._settings = settings
        self.history = history
        """This machine's calibration and chunk timings (None: plans come from the formula)."""
        self._runner = runner
        self._publish = publish
        self._facts = facts
        self._overrides = load_overrides(settings)
        self._lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def limits(self) -> TuningLimits:
        return TuningLimits.of(self._settings.tuning)

    def overrides(self) -> Overrides:
        """The saved values (see `load_overrides`): read at start, kept as this service saves."""
        return dict(self._overrides)

    def facts(self) -> SystemFacts:
        """This machine now (the source the service was given)."""
        return self._facts()

    def pool(self) -> tuple[int, int] | None:
        """Workers and threads per worker of the local pool, None without one."""
        if self._runner is None:
            return None
        return self._runner.plan.workers, self._runner.plan.threads_per_worker

    def measurements(self) -> Measurements | None:
        """This machine's calibration of the configured model, if there is one."""
        if self.history is None:
            return None
        return self.history.measurements(self._settings.model)

    def current_plan(self, facts: SystemFacts) -> ExecutionPlan:
        """The plan new jobs run with."""
        if self._runner is not None:
            return self._runner.plan
        model = self._settings.model
        return plan(facts, None, self._settings.tuning, model, measurements=self.measurements())

    def optimal_plan(self, facts: SystemFacts) -> ExecutionPlan:
        """The plan for this machine with no forced values (only the limits kept), measured
        when this machine has a calibration of the model."""
        automatic = with_overrides(self._settings, dict.fromkeys(TUNABLE_FIELDS))
        model = self._settings.model
        return plan(facts, None, automatic.tuning, model, measurements=self.measurements())

    def recommendations(self, facts: SystemFacts, current: ExecutionPlan) -> list[Recommendation]:
        return recommendations(
            facts,
            current,
            self._settings.tuning,
            self._settings.model,
            measurements=self.measurements(),
        )

    def notes(self, current: ExecutionPlan) -> list[str]:
        """Observations beside the recommendations: drift of recent jobs from the calibration."""
        if self.history is None:
            return []
        found = self.history.drift(
            self._settings.model, current.workers, current.threads_per_worker
        )
        return [] if found is None else [found.sentence()]

    def optimize(self, change: Mapping[str, Any]) -> Optimized:
        """Apply `change` (field -> value, None for automatic; empty: the optimal plan) from the
        next job on. `TuningError` (nothing changed) when it is out of the limits."""
        with self._lock:
            overrides = self._requested(change)
            try:
                tuned = with_overrides(self._settings, overrides)
            except ValueError as exc:
                raise TuningError(f"Out of limits: {exc}") from None
            save_overrides(tuned, overrides)
            self._overrides = dict(overrides)
            self._settings = tuned
            self._publish(tuned)
            if self._runner is None:
                execution = self.current_plan(self._facts())
                return Optimized(overrides, execution, False, 0, _SAVED_ONLY)
            applied = self._runner.apply(tuned)
        return Optimized(
            overrides,
            applied.plan,
            applied.pool_restarted,
            applied.old_pool_busy,
            _applied_message(applied),
        )

    def _requested(self, change: Mapping[str, Any]) -> Overrides:
        """The overrides to save: the optimal plan for `{}`, else `change` over the saved ones."""
        if not change:
            best = self.optimal_plan(self._facts())
            return {
                "workers": best.workers,
                "threads_per_worker": best.threads_per_worker,
                "batch_size": best.batch_size,
                "chunk_seconds": None,  # the planner fits chunks to each file's length
            }
        limits = self.limits
        problems = limits.problems(change)
        if problems:
            raise TuningError(_out_of_limits(problems))
        overrides = {**self.overrides(), **change}
        effective = {
            name: overrides.get(name, getattr(self._settings.tuning, name))
            for name in ("workers", "threads_per_worker")
        } | {"chunk_seconds": overrides.get("chunk_seconds")}
        problems = limits.problems(effective)
        if problems:
            raise TuningConflictError(
                _out_of_limits(problems) + " Send the values that go with it in the same request."
            )
        return overrides


_SAVED_ONLY = "Saved; this service runs jobs without a local pool to retune."


def _out_of_limits(problems: list[str]) -> str:
    return "Out of limits: " + "; ".join(problems) + ". GET /api/performance lists the limits."


def _applied_message(applied: Applied) -> str:
    if applied.pool_restarted and applied.old_pool_busy:
        return (
            "Saved. New jobs use a new worker pool; the old one closes when its "
            f"{applied.old_pool_busy} running job(s) finish."
        )
    if applied.pool_restarted:
        return "Saved. The worker pool was restarted with the new plan."
    return "Saved. The next jobs use the new values (the worker pool stays as it is)."
