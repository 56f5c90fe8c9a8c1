"""ORM tables for study insights, keyword lists and the searchable segment copy (migration 0002).

`job_insights` keeps one row per job: its own keywords and, once its transcript exists, the
insights JSON with a fingerprint of the keyword and phrase lists it was computed with, so a read
can tell a stale result from a current one. `keyword_lists` is each owner's global keyword list
(no row: the configured default). `segment_search` is one row per segment, the content the
full-text index (`store.search_index`) is built over; the index itself is dialect-specific and
lives outside the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from video_transcriber.store.tables import Base


class JobInsightsRow(Base):
    __tablename__ = "job_insights"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KeywordListRow(Base):
    __tablename__ = "keyword_lists"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SegmentSearchRow(Base):
    __tablename__ = "segment_search"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    seg_index: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    folded: Mapped[str | None] = mapped_column(Text, nullable=True)
    """`text` case folded without accents (what PostgreSQL indexes, migration 0003)."""
