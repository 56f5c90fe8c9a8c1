"""Response bodies of the calibration endpoints, built from `calibration.service` and
`tuning.measured` objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from video_transcriber.calibration.service import CalibrationStatus
from video_transcriber.tuning.measured import Measurements, ShapeFigures


class ShapePublic(BaseModel):
    workers: int
    threads: int
    batch_size: int
    throughput: float = Field(description="Media seconds transcribed per wall second.")
    media_seconds: float
    speech_seconds: float
    wall_seconds: float = Field(description="Hand-over of the sample to the last result.")
    startup_seconds: float = Field(description="Pool start to every worker's first result.")
    peak_worker_rss_bytes: int

    @classmethod
    def of(cls, shape: ShapeFigures) -> ShapePublic:
        return cls.model_validate(shape.to_dict())


class CalibrationPublic(BaseModel):
    model: str
    compute_type: str
    beam_size: int
    measured_at: str
    machine: dict[str, Any] = Field(description="CPU model, cores, memory, versions, key.")
    shapes: list[ShapePublic]
    fastest: ShapePublic | None

    @classmethod
    def of(cls, measured: Measurements) -> CalibrationPublic:
        fastest = measured.fastest()
        return cls(
            model=measured.model,
            compute_type=measured.compute_type,
            beam_size=measured.beam_size,
            measured_at=measured.measured_at,
            machine=dict(measured.machine),
            shapes=[ShapePublic.of(shape) for shape in measured.shapes],
            fastest=None if fastest is None else ShapePublic.of(fastest),
        )


class CalibrationStatusPublic(BaseModel):
    state: Literal["idle", "running", "completed", "failed"]
    done: int = Field(description="Shapes measured so far.")
    total: int = Field(description="Shapes to measure (0 until it starts).")
    message: str
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    machine_key: str = Field(description="This machine's fingerprint key.")
    last: CalibrationPublic | None = Field(
        description="This machine's newest calibration of the configured model."
    )

    @classmethod
    def of(
        cls, status: CalibrationStatus, machine_key: str, last: Measurements | None
    ) -> CalibrationStatusPublic:
        return cls(
            state=status.state,
            done=status.done,
            total=status.total,
            message=status.message,
            started_at=status.started_at,
            finished_at=status.finished_at,
            error=status.error,
            machine_key=machine_key,
            last=None if last is None else CalibrationPublic.of(last),
        )
