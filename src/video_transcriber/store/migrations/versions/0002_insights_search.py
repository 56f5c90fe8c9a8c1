"""Study insights per job, keyword lists per owner, and the full-text index over segments.

`segment_search` holds one row per transcript segment on every database; deleting a job
cascades to it. The full-text part depends on the dialect:

- SQLite: an FTS5 table with `segment_search` as its external content, kept in step by triggers
  (which also fire on the cascade when a job is deleted); porter stemming, diacritics folded.
- PostgreSQL: a generated `tsvector` column with a GIN index. Angle brackets are read as spaces,
  because PostgreSQL's parser would otherwise take "<word>" for a markup tag and skip it.

Revision ID: 0002_insights
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_insights"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE segment_fts USING fts5(
        text, content='segment_search', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER segment_search_ai AFTER INSERT ON segment_search BEGIN
        INSERT INTO segment_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER segment_search_ad AFTER DELETE ON segment_search BEGIN
        INSERT INTO segment_fts(segment_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER segment_search_au AFTER UPDATE ON segment_search BEGIN
        INSERT INTO segment_fts(segment_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO segment_fts(rowid, text) VALUES (new.id, new.text);
    END""",
]
_POSTGRES_FTS = [
    """ALTER TABLE segment_search ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', translate(text, '<>', '  '))) STORED""",
    "CREATE INDEX ix_segment_search_tsv ON segment_search USING gin (tsv)",
]


def _job_fk() -> sa.Column[str]:
    return sa.Column(
        "job_id",
        sa.String(36),
        sa.ForeignKey("jobs.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "job_insights",
        _job_fk(),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("data", sa.JSON, nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "keyword_lists",
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "segment_search",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "job_id", sa.String(36), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("seg_index", sa.Integer, nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_segment_search_job_id", "segment_search", ["job_id"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_FTS, "postgresql": _POSTGRES_FTS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("segment_search_au", "segment_search_ad", "segment_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS segment_fts")
    op.drop_index("ix_segment_search_job_id", "segment_search")
    op.drop_table("segment_search")
    op.drop_table("keyword_lists")
    op.drop_table("job_insights")
