"""This machine's measured past, as the service uses it: calibration, chunk timings, rates.

`MachineHistory` ties the calibration store to this machine's fingerprint (read once), so
callers ask plain questions: the calibration of this model here (`measurements`, for the
planner), the rate to expect of a pool shape (`expected_rate`, for the ETA), what happened to a
chunk (`record`, from the job thread), and whether the machine has drifted from its calibration
(`drift`, for the recommendations). A store error never fails a job: recording a timing is
best-effort and logged.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from video_transcriber.calibration.fingerprint import MachineFingerprint, read_fingerprint
from video_transcriber.config import CalibrationSettings, ModelSettings
from video_transcriber.domain import Chunk, ChunkResult
from video_transcriber.store.calibration_store import CalibrationStore
from video_transcriber.tuning.history import ChunkTiming, Drift, drift, expected_rate
from video_transcriber.tuning.measured import Measurements
from video_transcriber.tuning.plan import ExecutionPlan

log = logging.getLogger(__name__)


class MachineHistory:
    """Calibrations and chunk timings of this machine (see the module docstring)."""

    def __init__(
        self,
        store: CalibrationStore,
        settings: CalibrationSettings,
        fingerprint: MachineFingerprint | None = None,
    ) -> None:
        self.store = store
        self._settings = settings
        self.fingerprint = fingerprint or read_fingerprint()

    @property
    def key(self) -> str:
        return self.fingerprint.key

    def measurements(self, model: ModelSettings) -> Measurements | None:
        """The newest calibration of this model here, or None."""
        return self.store.latest(self.key, model.name, model.compute_type)

    def save(self, measurements: Measurements) -> None:
        self.store.save(measurements)

    def timings(self, model: ModelSettings) -> list[ChunkTiming]:
        return self.store.recent_timings(
            self.key, model.name, model.compute_type, limit=self._settings.history_chunks
        )

    def expected_rate(
        self, model: ModelSettings, workers: int, threads: int
    ) -> tuple[float | None, str]:
        """Seconds of speech per wall second a `workers x threads` pool manages here."""
        return expected_rate(self.timings(model), self.measurements(model), workers, threads)

    def drift(self, model: ModelSettings, workers: int, threads: int) -> Drift | None:
        return drift(
            self.timings(model),
            self.measurements(model),
            workers,
            threads,
            fraction=self._settings.drift_fraction,
        )

    def record(
        self,
        job_id: str,
        execution: ExecutionPlan,
        model: ModelSettings,
        chunk: Chunk,
        result: ChunkResult,
    ) -> None:
        """Keep one chunk's timing (a failure is logged, never raised into the job)."""
        timing = ChunkTiming(
            job_id=job_id,
            chunk_index=chunk.index,
            speech_seconds=round(chunk.speech_seconds, 3),
            media_seconds=round(chunk.end - chunk.start, 3),
            words=sum(len(segment.text.split()) for segment in result.segments),
            wall_seconds=round(result.decode_seconds, 4),
            workers=execution.workers,
            threads=execution.threads_per_worker,
            batch_size=execution.batch_size,
            model=model.name,
            compute_type=model.compute_type,
            machine_key=self.key,
        )
        try:
            self.store.record(timing)
        except SQLAlchemyError:
            log.exception("could not record the timing of chunk %d of job %s", chunk.index, job_id)
