"""SQLAlchemy 2 ORM tables for jobs, chunk checkpoints and transcripts, and their conversions.

Three tables: `jobs` (one light row per job, listed and polled often), `chunk_results` (one row per
finished chunk, keyed by `(job_id, chunk_index)` so a chunk stored twice is stored once) and
`transcripts` (the stitched result, read only when someone downloads it). Segments are stored
as JSON; every value in them is a plain number or string.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from video_transcriber.domain import (
    ChunkResult,
    JobStatus,
    Progress,
    Segment,
    Stage,
    TranscribeOptions,
    Transcript,
)
from video_transcriber.store.job import Job, JobMetrics


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True, default="")
    name: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    media_path: Mapped[str] = mapped_column(String(300))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stage: Mapped[str] = mapped_column(String(32), default=Stage.QUEUED.value)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    eta_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    language_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    chunk_runs: Mapped[int] = mapped_column(Integer, default=0)
    wall_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    rtf: Mapped[float | None] = mapped_column(Float, nullable=True)
    workers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chunk_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    peak_rss_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChunkRow(Base):
    __tablename__ = "chunk_results"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    decode_seconds: Mapped[float] = mapped_column(Float)
    redecoded_spans: Mapped[int] = mapped_column(Integer, default=0)
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class TranscriptRow(Base):
    __tablename__ = "transcripts"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def job_from_row(row: JobRow) -> Job:
    progress = Progress(
        stage=Stage(row.stage),
        percent=row.percent,
        chunks_done=row.chunks_done,
        chunks_total=row.chunks_total,
        eta_seconds=row.eta_seconds,
    )
    metrics = JobMetrics(
        chunk_runs=row.chunk_runs,
        wall_seconds=row.wall_seconds,
        rtf=row.rtf,
        workers=row.workers,
        chunk_seconds=row.chunk_seconds,
        peak_rss_bytes=row.peak_rss_bytes,
    )
    return Job(
        id=row.id,
        owner=row.owner,
        name=row.name,
        filename=row.filename,
        media_path=row.media_path,
        size_bytes=row.size_bytes,
        status=JobStatus(row.status),
        options=TranscribeOptions(**(row.options or {})),
        progress=progress,
        metrics=metrics,
        created_at=_aware(row.created_at) or utcnow(),
        updated_at=_aware(row.updated_at) or utcnow(),
        error=row.error,
        duration=row.duration,
        language=row.language,
        language_probability=row.language_probability,
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at),
    )


def chunk_from_row(row: ChunkRow) -> ChunkResult:
    return ChunkResult(
        chunk_index=row.chunk_index,
        segments=tuple(Segment.from_dict(s) for s in row.segments),
        language=row.language,
        decode_seconds=row.decode_seconds,
        redecoded_spans=row.redecoded_spans,
    )


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    return {
        "segments": [s.to_dict() for s in transcript.segments],
        "language": transcript.language,
        "duration": transcript.duration,
        "model": transcript.model,
        "plan": _jsonable(transcript.plan),
        "timings": dict(transcript.timings),
        "language_probability": transcript.language_probability,
        "task": transcript.task,
    }


def transcript_from_dict(data: dict[str, Any]) -> Transcript:
    return Transcript(
        segments=[Segment.from_dict(s) for s in data["segments"]],
        language=data["language"],
        duration=data["duration"],
        model=data.get("model", ""),
        plan=dict(data.get("plan", {})),
        timings=dict(data.get("timings", {})),
        language_probability=data.get("language_probability"),
        task=str(data.get("task", "transcribe")),
    )


def _jsonable(value: Any) -> Any:
    """Plans may hold tuples or other objects: keep what JSON can carry, stringify the rest."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
