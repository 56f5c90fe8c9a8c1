"""Lectures in any language: how sure detection was, and search in each session's language.

- `jobs.language_probability`: the detected language's share of the vote (null when given).
- `segment_search.folded`: the segment's text case folded and without accents
  (`languages.folding.fold`), written by the index, because PostgreSQL's `unaccent` is an
  extension a hosted database may not allow (and is not immutable).
- `segment_search.config` (PostgreSQL only): the text search configuration of the session's
  language (`languages.search.postgres_config`: `german` for de, `simple` where PostgreSQL has
  no stemmer), and `tsv` generated from `folded` with it instead of `text` in `english`.
  The column is typed `regconfig`, so `to_tsvector(config, ...)` stays immutable, as a
  generated column needs.
  SQLite's FTS5 index already uses `porter unicode61 remove_diacritics 2` (0002): case and
  accents folded for every script; porter's English suffix rules are applied to the query the
  same way as to the text, so other languages still match word for word.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_multilingual"
down_revision = "0003_calibration"
branch_labels = None
depends_on = None

_POSTGRES_UP = [
    "DROP INDEX IF EXISTS ix_segment_search_tsv",
    "ALTER TABLE segment_search DROP COLUMN tsv",
    "ALTER TABLE segment_search ADD COLUMN config regconfig NOT NULL DEFAULT 'english'",
    """ALTER TABLE segment_search ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector(config, translate(coalesce(folded, text), '<>', '  ')))
        STORED""",
    "CREATE INDEX ix_segment_search_tsv ON segment_search USING gin (tsv)",
]
_POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_segment_search_tsv",
    "ALTER TABLE segment_search DROP COLUMN tsv",
    "ALTER TABLE segment_search DROP COLUMN config",
    """ALTER TABLE segment_search ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', translate(text, '<>', '  '))) STORED""",
    "CREATE INDEX ix_segment_search_tsv ON segment_search USING gin (tsv)",
]


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("language_probability", sa.Float, nullable=True))
    op.add_column("segment_search", sa.Column("folded", sa.Text, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_DOWN:
            op.execute(statement)
    with op.batch_alter_table("segment_search") as batch:
        batch.drop_column("folded")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("language_probability")
