"""Calibrations of this machine and every job's chunk timings (`store.calibration_tables`).

Revision ID: 0003_calibration
Revises: 0002_insights
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_calibration"
down_revision = "0002_insights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calibrations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("machine_key", sa.String(32), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("compute_type", sa.String(32), nullable=False),
        sa.Column("beam_size", sa.Integer, nullable=False),
        sa.Column("usable_cpus", sa.Integer, nullable=False),
        sa.Column("machine", sa.JSON, nullable=False),
        sa.Column("shapes", sa.JSON, nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_calibrations_machine_model", "calibrations", ["machine_key", "model"])
    op.create_index("ix_calibrations_measured_at", "calibrations", ["measured_at"])
    op.create_table(
        "chunk_timings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("chunk_index", sa.Integer, nullable=False),
        sa.Column("machine_key", sa.String(32), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("compute_type", sa.String(32), nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("threads", sa.Integer, nullable=False),
        sa.Column("batch_size", sa.Integer, nullable=False),
        sa.Column("speech_seconds", sa.Float, nullable=False),
        sa.Column("media_seconds", sa.Float, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("wall_seconds", sa.Float, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chunk_timings_job_id", "chunk_timings", ["job_id"])
    op.create_index("ix_chunk_timings_machine_model", "chunk_timings", ["machine_key", "model"])


def downgrade() -> None:
    op.drop_index("ix_chunk_timings_machine_model", "chunk_timings")
    op.drop_index("ix_chunk_timings_job_id", "chunk_timings")
    op.drop_table("chunk_timings")
    op.drop_index("ix_calibrations_measured_at", "calibrations")
    op.drop_index("ix_calibrations_machine_model", "calibrations")
    op.drop_table("calibrations")
