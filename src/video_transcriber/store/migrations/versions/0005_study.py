"""Study tools: passage vectors (a blob per passage) and study guides (chapters, key sentences,
key terms) per job; both cascade when a job is deleted.

Revision ID: 0005_study
Revises: 0004_multilingual
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_study"
down_revision = "0004_multilingual"
branch_labels = None
depends_on = None


def _job_fk(*, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(
        "job_id",
        sa.String(36),
        sa.ForeignKey("jobs.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "study_passages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _job_fk(),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("seg_index", sa.Integer, nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_study_passages_job_id", "study_passages", ["job_id"])
    op.create_table(
        "study_guides",
        _job_fk(primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("study_guides")
    op.drop_index("ix_study_passages_job_id", "study_passages")
    op.drop_table("study_passages")
