"""Jobs, chunk checkpoints and transcripts.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False, server_default=""),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("media_path", sa.String(300), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("percent", sa.Float, nullable=False, server_default="0"),
        sa.Column("chunks_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("chunks_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("eta_seconds", sa.Float, nullable=True),
        sa.Column("duration", sa.Float, nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("chunk_runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("wall_seconds", sa.Float, nullable=True),
        sa.Column("rtf", sa.Float, nullable=True),
        sa.Column("workers", sa.Integer, nullable=True),
        sa.Column("chunk_seconds", sa.Float, nullable=True),
        sa.Column("peak_rss_bytes", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_owner", "jobs", ["owner"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    op.create_table(
        "chunk_results",
        sa.Column(
            "job_id",
            sa.String(36),
            sa.ForeignKey("jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("chunk_index", sa.Integer, primary_key=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("decode_seconds", sa.Float, nullable=False),
        sa.Column("redecoded_spans", sa.Integer, nullable=False, server_default="0"),
        sa.Column("segments", sa.JSON, nullable=False),
    )
    op.create_table(
        "transcripts",
        sa.Column(
            "job_id",
            sa.String(36),
            sa.ForeignKey("jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("data", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transcripts")
    op.drop_table("chunk_results")
    op.drop_index("ix_jobs_created_at", "jobs")
    op.drop_index("ix_jobs_status", "jobs")
    op.drop_index("ix_jobs_owner", "jobs")
    op.drop_table("jobs")
