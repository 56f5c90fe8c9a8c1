"""ORM tables for the study tools (migration 0005_study): passage vectors and study guides.

`study_passages` is one row per passage of a completed job: its time span, text and embedding
as a blob (`study.vectors.to_blob`, 1,536 bytes: 384 little-endian float32). The same blob
column serves SQLite and PostgreSQL; search is brute force in numpy over an in-memory matrix
(`jobs.job_study`), which the blobs feed. `study_guides` keeps each job's chapters, key
sentences and key terms as JSON. Deleting a job cascades to both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from video_transcriber.store.tables import Base


class StudyPassageRow(Base):
    __tablename__ = "study_passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    idx: Mapped[int] = mapped_column(Integer)
    seg_index: Mapped[int] = mapped_column(Integer)
    """The segment the passage starts in (for links to that segment)."""
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class StudyGuideRow(Base):
    __tablename__ = "study_guides"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
