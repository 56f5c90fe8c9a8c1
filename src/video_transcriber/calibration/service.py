"""Calibration while the service runs: one at a time, in the background, with progress.

`POST /api/performance/calibrate` calls `CalibrationService.start`, which refuses (409) while a
calibration or any job is running — jobs would share the CPUs with the pools being measured and
both would be wrong — and otherwise runs `runner.calibrate` in a thread. `status()` is what
`GET /api/performance/calibration` shows: the state, the step reached, and the last calibration
of this machine from the store. The result is saved through `MachineHistory`; the optimal plan
and the recommendations use it at once, and `POST /api/performance/optimize` applies it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from video_transcriber.calibration.machine import MachineHistory
from video_transcriber.calibration.runner import CalibrationStep, calibrate
from video_transcriber.calibration.sample import sample_source
from video_transcriber.config import Settings
from video_transcriber.errors import CalibrationBusyError
from video_transcriber.tuning.measured import Measurements

log = logging.getLogger(__name__)

State = Literal["idle", "running", "completed", "failed"]
Calibrate = Callable[..., Sequence[Measurements]]


@dataclass(frozen=True, slots=True)
class CalibrationStatus:
    state: State = "idle"
    done: int = 0
    total: int = 0
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None


class CalibrationService:
    """Runs at most one calibration at a time and remembers how the last one went."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        history: MachineHistory,
        *,
        running_jobs: Callable[[], int],
        run: Calibrate = calibrate,
    ) -> None:
        self._settings = settings
        self.history = history
        self._running_jobs = running_jobs
        self._run = run
        self._lock = threading.Lock()
        self._status = CalibrationStatus()
        self._thread: threading.Thread | None = None

    def status(self) -> CalibrationStatus:
        with self._lock:
            return self._status

    def latest(self) -> Measurements | None:
        """This machine's newest calibration of the configured model."""
        return self.history.measurements(self._settings().model)

    def start(self) -> CalibrationStatus:
        """Start calibrating now; `CalibrationBusyError` if one is running or jobs are,
        `CalibrationSampleError` if there is no recording with speech to measure on."""
        with self._lock:
            if self._status.state == "running":
                raise CalibrationBusyError(
                    "A calibration is already running; follow it at "
                    "GET /api/performance/calibration."
                )
            jobs = self._running_jobs()
            if jobs:
                raise CalibrationBusyError(
                    f"{jobs} job(s) are transcribing: they would share the CPUs with the "
                    "calibration and spoil both. Calibrate when no job is running."
                )
            sample_source(self._settings())  # no recording to measure on: say so now, not later
            self._status = CalibrationStatus("running", message="starting", started_at=_now())
            self._thread = threading.Thread(target=self._work, name="calibration", daemon=True)
            self._thread.start()
            return self._status

    def wait(self, timeout: float | None = None) -> CalibrationStatus:
        """Block until the running calibration ends (tests and the CLI)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    def _work(self) -> None:
        try:
            results = self._run(self._settings(), on_progress=self._progress)
            for measurements in results:
                self.history.save(measurements)
        except Exception as exc:  # a failed calibration must be reported, not kill the service
            log.exception("calibration failed")
            self._finish("failed", f"{type(exc).__name__}: {exc}")
            return
        self._finish("completed", None)

    def _progress(self, step: CalibrationStep) -> None:
        with self._lock:
            self._status = replace(
                self._status, done=step.done, total=step.total, message=step.message
            )

    def _finish(self, state: State, error: str | None) -> None:
        with self._lock:
            self._status = replace(self._status, state=state, finished_at=_now(), error=error)


def _now() -> datetime:
    return datetime.now(UTC)
