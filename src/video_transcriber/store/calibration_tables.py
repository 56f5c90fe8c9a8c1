"""ORM tables for calibrations and chunk timings (migration 0003_calibration).

`calibrations` keeps one row per calibration of one model on one machine (its fingerprint key
and the whole fingerprint, the shapes' figures as JSON). `chunk_timings` keeps one row per
transcribed chunk of every job, with the pool shape and the machine it ran on; it has no foreign
key to `jobs` on purpose: deleting a job does not make the machine forget how fast it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from video_transcriber.store.tables import Base


class CalibrationRow(Base):
    __tablename__ = "calibrations"
    __table_args__ = (Index("ix_calibrations_machine_model", "machine_key", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    machine_key: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(300))
    compute_type: Mapped[str] = mapped_column(String(32))
    beam_size: Mapped[int] = mapped_column(Integer)
    usable_cpus: Mapped[int] = mapped_column(Integer)
    machine: Mapped[dict[str, Any]] = mapped_column(JSON)
    shapes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    measured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ChunkTimingRow(Base):
    __tablename__ = "chunk_timings"
    __table_args__ = (Index("ix_chunk_timings_machine_model", "machine_key", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(String(36), index=True)
    chunk_index: Mapped[int] = mapped_column(Integer)
    machine_key: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(300))
    compute_type: Mapped[str] = mapped_column(String(32))
    workers: Mapped[int] = mapped_column(Integer)
    threads: Mapped[int] = mapped_column(Integer)
    batch_size: Mapped[int] = mapped_column(Integer)
    speech_seconds: Mapped[float] = mapped_column(Float)
    media_seconds: Mapped[float] = mapped_column(Float)
    words: Mapped[int] = mapped_column(Integer)
    wall_seconds: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
