"""Calibrations and chunk timings in the job store's database (`store.calibration_tables`).

`CalibrationStore` shares the `JobStore`'s engine (so its migrations have run) and, like it,
opens one short transaction per call, so the API's threadpool and the job threads may share it.
It converts rows to the plain data of `tuning.measured` and `tuning.history`, which is all the
planner and the ETA ever see.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from video_transcriber.store.calibration_tables import CalibrationRow, ChunkTimingRow
from video_transcriber.tuning.history import ChunkTiming
from video_transcriber.tuning.measured import Measurements, ShapeFigures


class CalibrationStore:
    """Save and find calibrations; record and read chunk timings."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # -- calibrations ---------------------------------------------------------------------

    def save(self, measurements: Measurements) -> None:
        with self._tx() as session:
            session.add(
                CalibrationRow(
                    machine_key=measurements.machine_key,
                    model=measurements.model,
                    compute_type=measurements.compute_type,
                    beam_size=measurements.beam_size,
                    usable_cpus=measurements.usable_cpus,
                    machine=dict(measurements.machine),
                    shapes=[shape.to_dict() for shape in measurements.shapes],
                    measured_at=datetime.fromisoformat(measurements.measured_at),
                )
            )

    def latest(self, machine_key: str, model: str, compute_type: str) -> Measurements | None:
        """The newest calibration of `model` at `compute_type` on the machine `machine_key`."""
        query = (
            select(CalibrationRow)
            .where(
                CalibrationRow.machine_key == machine_key,
                CalibrationRow.model == model,
                CalibrationRow.compute_type == compute_type,
            )
            .order_by(CalibrationRow.measured_at.desc(), CalibrationRow.id.desc())
            .limit(1)
        )
        with self._sessions() as session:
            row = session.scalars(query).first()
            return None if row is None else _measurements(row)

    def history(self, machine_key: str | None = None, *, limit: int = 20) -> list[Measurements]:
        """Calibrations, newest first (of one machine when `machine_key` is given)."""
        query = select(CalibrationRow).order_by(
            CalibrationRow.measured_at.desc(), CalibrationRow.id.desc()
        )
        if machine_key is not None:
            query = query.where(CalibrationRow.machine_key == machine_key)
        with self._sessions() as session:
            return [_measurements(row) for row in session.scalars(query.limit(limit))]

    # -- chunk timings --------------------------------------------------------------------

    def record(self, timing: ChunkTiming) -> None:
        with self._tx() as session:
            session.add(ChunkTimingRow(**_timing_fields(timing), recorded_at=datetime.now(UTC)))

    def recent_timings(
        self, machine_key: str, model: str, compute_type: str, *, limit: int
    ) -> list[ChunkTiming]:
        """The last `limit` chunk timings of this machine and model, newest first."""
        query = (
            select(ChunkTimingRow)
            .where(
                ChunkTimingRow.machine_key == machine_key,
                ChunkTimingRow.model == model,
                ChunkTimingRow.compute_type == compute_type,
            )
            .order_by(ChunkTimingRow.id.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [_timing(row) for row in session.scalars(query)]

    def job_timings(self, job_id: str) -> list[ChunkTiming]:
        query = select(ChunkTimingRow).where(ChunkTimingRow.job_id == job_id)
        with self._sessions() as session:
            return [_timing(row) for row in session.scalars(query.order_by(ChunkTimingRow.id))]


def _measurements(row: CalibrationRow) -> Measurements:
    measured_at = row.measured_at
    if measured_at.tzinfo is None:  # SQLite hands back naive datetimes; we store UTC
        measured_at = measured_at.replace(tzinfo=UTC)
    return Measurements(
        model=row.model,
        compute_type=row.compute_type,
        beam_size=row.beam_size,
        machine_key=row.machine_key,
        usable_cpus=row.usable_cpus,
        measured_at=measured_at.isoformat(timespec="seconds"),
        shapes=tuple(ShapeFigures.from_dict(shape) for shape in row.shapes),
        machine=dict(row.machine),
    )


_TIMING_FIELDS = tuple(ChunkTiming.__dataclass_fields__)


def _timing_fields(timing: ChunkTiming) -> dict[str, object]:
    return {name: getattr(timing, name) for name in _TIMING_FIELDS}


def _timing(row: ChunkTimingRow) -> ChunkTiming:
    return ChunkTiming(**{name: getattr(row, name) for name in _TIMING_FIELDS})
