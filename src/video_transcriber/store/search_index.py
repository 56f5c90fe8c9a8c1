"""Full-text search over every transcript segment: one adapter, two dialects.

`segment_search` (migration 0002) holds each completed job's segments. On SQLite an FTS5 table
indexes it through triggers and hits are ranked by `bm25`; on PostgreSQL a generated `tsvector`
column is matched with `websearch_to_tsquery` and ranked by `ts_rank`, with `ts_headline` making
the snippet. Everything dialect-specific is in the two `_Backend` classes below.

User input never reaches either query language as syntax: `search_terms` keeps only word
characters, as single words or as phrases the user put in double quotes, and each becomes a
quoted FTS5 string (or a websearch phrase), so `"`, `*`, `OR`, `NEAR(` and friends are searched
for as words or dropped, never parsed. All terms must match (AND).

Snippets are marked with control characters the index strips from segment text, then
HTML-escaped, and only then are the marks turned into `<mark>`…`</mark>`, so nothing that was
said can inject markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, TextClause, delete, text
from sqlalchemy.orm import Session, sessionmaker

from video_transcriber.domain import JobStatus, Segment
from video_transcriber.errors import ConfigurationError
from video_transcriber.store.insight_tables import SegmentSearchRow

MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"
_ANGLES = "\x04\x05"
"""Stand-ins for `<` and `>` while PostgreSQL makes a headline (its parser skips "tags")."""
_CONTROL = str.maketrans({MARK_OPEN: " ", MARK_CLOSE: " ", _ANGLES[0]: " ", _ANGLES[1]: " "})
MAX_TERMS = 16
"""Terms beyond this are ignored: a longer query is a paste, not a search."""
MAX_TERM_CHARS = 100
SNIPPET_TOKENS = 32
_QUOTED_OR_WORD = re.compile(r'"([^"]*)"|([^"\s]+)')
_WORD = re.compile(r"\w+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
"""Bare upper-case query-language words are dropped: people type them as operators."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching segment; `snippet` is HTML: escaped text with `<mark>` around matches."""

    job_id: str
    job_name: str
    segment_index: int
    start: float
    end: float
    snippet: str
    score: float
    """Higher is better (bm25 sign-flipped on SQLite, ts_rank on PostgreSQL)."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    terms: list[str]
    """The words and phrases actually searched for, after sanitising the query."""


def search_terms(query: str) -> list[str]:
    """Words and double-quoted phrases of `query`, reduced to word characters, deduplicated.

    Bare `AND`/`OR`/`NOT`/`NEAR` are dropped (quote them to search for them as words).
    """
    terms: list[str] = []
    for match in _QUOTED_OR_WORD.finditer(query):
        quoted = match.group(1) is not None
        words = _WORD.findall(match.group(1) if quoted else match.group(2))
        if not quoted:
            words = [word for word in words if word not in _OPERATORS]
        term = " ".join(words)[:MAX_TERM_CHARS].strip()
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms[:MAX_TERMS]


def quoted_query(terms: Sequence[str]) -> str:
    """The terms as double-quoted strings: literal phrases in both FTS5 and websearch syntax."""
    return " ".join('"' + term.replace('"', "") + '"' for term in terms)


def snippet_html(marked: str) -> str:
    """Escape `marked` and turn the index's match markers into `<mark>` elements."""
    escaped = html.escape(marked, quote=False)
    out: list[str] = []
    inside = False
    for char in escaped:
        if char == MARK_OPEN and not inside:
            out.append("<mark>")
            inside = True
        elif char == MARK_CLOSE and inside:
            out.append("</mark>")
            inside = False
        elif char not in (MARK_OPEN, MARK_CLOSE):
            out.append(char)
    if inside:
        out.append("</mark>")
    # PostgreSQL marks each word of a phrase, FTS5 the phrase: show both as one run.
    return "".join(out).replace("</mark> <mark>", " ")


def _indexed(segment: Segment) -> str:
    """What search sees of a segment: its text, after its speaker's name when it has one, so
    a search for "Prof. Ada" finds what she said (and a rename re-indexes it)."""
    text = index_text(segment.text)
    return f"{index_text(segment.speaker)}: {text}" if segment.speaker else text


def index_text(value: str) -> str:
    """Segment text as stored for search: the marker characters removed, whitespace collapsed."""
    return " ".join(value.translate(_CONTROL).split())


class _Backend(Protocol):
    def hits(self, *, by_owner: bool) -> TextClause: ...

    def count(self, *, by_owner: bool) -> TextClause: ...

    def params(self, terms: Sequence[str]) -> dict[str, Any]: ...

    def score(self, raw: float) -> float: ...

    def snippet(self, raw: str) -> str: ...


def _visible(by_owner: bool) -> str:
    """Only completed jobs; only the caller's when an owner is given."""
    return "j.status = :completed" + (" AND j.owner = :owner" if by_owner else "")


class _SqliteBackend:
    @staticmethod
    def _from(by_owner: bool) -> str:
        return (
            "FROM segment_fts JOIN segment_search s ON s.id = segment_fts.rowid "
            "JOIN jobs j ON j.id = s.job_id "
            f"WHERE segment_fts MATCH :q AND {_visible(by_owner)}"
        )

    def hits(self, *, by_owner: bool) -> TextClause:
        return text(
            'SELECT s.job_id, j.name, s.seg_index, s.start, s."end", '
            "snippet(segment_fts, 0, :open, :close, :ellipsis, :tokens) AS snip, "
            f"bm25(segment_fts) AS rank {self._from(by_owner)} "
            "ORDER BY rank, j.created_at DESC, s.seg_index LIMIT :limit OFFSET :offset"
        )

    def count(self, *, by_owner: bool) -> TextClause:
        return text(f"SELECT count(*) {self._from(by_owner)}")

    def params(self, terms: Sequence[str]) -> dict[str, Any]:
        return {
            "q": quoted_query(terms),
            "open": MARK_OPEN,
            "close": MARK_CLOSE,
            "ellipsis": "\u2026",
            "tokens": SNIPPET_TOKENS,
        }

    def score(self, raw: float) -> float:
        return -float(raw)

    def snippet(self, raw: str) -> str:
        return snippet_html(raw)


class _PostgresBackend:
    @staticmethod
    def _from(by_owner: bool) -> str:
        return (
            "FROM segment_search s JOIN jobs j ON j.id = s.job_id "
            "CROSS JOIN websearch_to_tsquery('english', CAST(:q AS text)) AS query "
            f"WHERE s.tsv @@ query AND {_visible(by_owner)}"
        )

    def hits(self, *, by_owner: bool) -> TextClause:
        return text(
            'SELECT s.job_id, j.name, s.seg_index, s.start, s."end", '
            "ts_headline('english', translate(s.text, '<>', CAST(:angles AS text)), query, "
            "CAST(:options AS text)) AS snip, "
            f"ts_rank(s.tsv, query) AS rank {self._from(by_owner)} "
            "ORDER BY rank DESC, j.created_at DESC, s.seg_index LIMIT :limit OFFSET :offset"
        )

    def count(self, *, by_owner: bool) -> TextClause:
        return text(f"SELECT count(*) {self._from(by_owner)}")

    def params(self, terms: Sequence[str]) -> dict[str, Any]:
        options = (
            f'StartSel="{MARK_OPEN}", StopSel="{MARK_CLOSE}", '
            f"MaxWords={SNIPPET_TOKENS}, MinWords={SNIPPET_TOKENS // 2}, ShortWord=2"
        )
        return {"q": quoted_query(terms), "options": options, "angles": _ANGLES}

    def score(self, raw: float) -> float:
        return float(raw)

    def snippet(self, raw: str) -> str:
        return snippet_html(raw.replace(_ANGLES[0], "<").replace(_ANGLES[1], ">"))


def _backend_for(dialect: str) -> _Backend | None:
    if dialect == "sqlite":
        return _SqliteBackend()
    if dialect == "postgresql":
        return _PostgresBackend()
    return None


class SearchIndex:
    """Keeps `segment_search` in step with transcripts and answers ranked, paged searches."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._dialect = engine.dialect.name
        self._backend = _backend_for(self._dialect)

    def replace(self, job_id: str, segments: Sequence[Segment]) -> int:
        """Index the job's segments in place of whatever was indexed for it; returns how many."""
        rows = [
            SegmentSearchRow(job_id=job_id, seg_index=i, start=s.start, end=s.end, text=_indexed(s))
            for i, s in enumerate(segments)
            if index_text(s.text)
        ]
        with self._sessions() as session, session.begin():
            self._remove(session, job_id)
            session.add_all(rows)
        return len(rows)

    @staticmethod
    def _remove(session: Session, job_id: str) -> None:
        session.execute(delete(SegmentSearchRow).where(SegmentSearchRow.job_id == job_id))

    def indexed_count(self, job_id: str) -> int:
        with self._sessions() as session:
            query = text("SELECT count(*) FROM segment_search WHERE job_id = :job")
            return int(session.scalar(query, {"job": job_id}) or 0)

    def search(
        self, query: str, *, owner: str | None, limit: int = 20, offset: int = 0
    ) -> SearchPage:
        """Completed jobs' segments matching every term of `query`, best first.

        `owner` None searches every owner's jobs (for administration); the API always passes one.
        """
        backend = self._backend
        if backend is None:
            raise ConfigurationError(
                f"Transcript search supports SQLite and PostgreSQL, not {self._dialect}; "
                "set VT_DATABASE_URL to one of those."
            )
        terms = search_terms(query)
        if not terms:
            return SearchPage(hits=[], total=0, terms=[])
        by_owner = owner is not None
        params = {**backend.params(terms), "completed": JobStatus.COMPLETED.value}
        if by_owner:
            params["owner"] = owner
        with self._sessions() as session:
            total = int(session.scalar(backend.count(by_owner=by_owner), params) or 0)
            if total == 0 or offset >= total:
                return SearchPage(hits=[], total=total, terms=terms)
            rows = session.execute(
                backend.hits(by_owner=by_owner), {**params, "limit": limit, "offset": offset}
            ).all()
        hits = [
            SearchHit(
                job_id=row[0],
                job_name=row[1],
                segment_index=int(row[2]),
                start=float(row[3]),
                end=float(row[4]),
                snippet=backend.snippet(row[5] or ""),
                score=backend.score(row[6]),
            )
            for row in rows
        ]
        return SearchPage(hits=hits, total=total, terms=terms)
