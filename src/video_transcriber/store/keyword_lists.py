"""Keyword lists: one global list per owner, and each job's own keywords.

An owner is an API key's hash (or the anonymous owner when no keys are configured). An owner who
never changed their list gets `Settings.keywords`; the first change stores a row, after which
the stored list is theirs, even when it is empty. Keywords are compared without regard to case
or spacing ("Machine  Learning" is "machine learning"); the first spelling given is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from video_transcriber.insights.keywords import unique_phrases
from video_transcriber.store.insight_tables import JobInsightsRow, KeywordListRow
from video_transcriber.store.tables import utcnow

MAX_KEYWORDS = 200
"""Most keywords one list may hold; each is searched in every transcript it applies to."""
MAX_KEYWORD_CHARS = 100

_T = TypeVar("_T")


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    """Distinct non-blank keywords, whitespace collapsed; ValueError past the limits."""
    cleaned = unique_phrases(keywords)
    too_long = [k for k in cleaned if len(k) > MAX_KEYWORD_CHARS]
    if too_long:
        raise ValueError(
            f"Keyword {too_long[0][:40]!r}... is longer than {MAX_KEYWORD_CHARS} characters; "
            "use a shorter word or phrase."
        )
    if len(cleaned) > MAX_KEYWORDS:
        raise ValueError(
            f"{len(cleaned)} keywords is more than the {MAX_KEYWORDS} allowed; remove some first."
        )
    return cleaned


def merged(*lists: Iterable[str]) -> list[str]:
    """The lists one after another, duplicates (by case and spacing) left out."""
    return unique_phrases(keyword for keywords in lists for keyword in keywords)


class KeywordStore:
    """Global keyword lists per owner and per-job keywords, in the job store's database."""

    def __init__(self, engine: Engine, defaults: Sequence[str] = ()) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._defaults = unique_phrases(defaults)

    # -- global lists ---------------------------------------------------------------------------

    def global_keywords(self, owner: str) -> list[str]:
        with self._sessions() as session:
            row = session.get(KeywordListRow, owner)
            return list(row.keywords) if row is not None else list(self._defaults)

    def set_global(self, owner: str, keywords: Iterable[str]) -> list[str]:
        """Replace the owner's list."""
        cleaned = clean_keywords(keywords)
        return self._change(owner, lambda _current: cleaned)

    def add_global(self, owner: str, keywords: Iterable[str]) -> list[str]:
        """Append keywords the list does not hold yet."""
        added = unique_phrases(keywords)
        return self._change(owner, lambda current: clean_keywords(merged(current, added)))

    def remove_global(self, owner: str, keyword: str) -> list[str] | None:
        """Remove one keyword; None if the list did not hold it."""
        key = " ".join(keyword.split()).casefold()
        found = False

        def without(current: list[str]) -> list[str]:
            nonlocal found
            kept = [k for k in current if k.casefold() != key]
            found = len(kept) != len(current)
            return kept

        result = self._change(owner, without)
        return result if found else None

    def _change(self, owner: str, change: Callable[[list[str]], list[str]]) -> list[str]:
        def apply(session: Session) -> list[str]:
            query = select(KeywordListRow).where(KeywordListRow.owner == owner)
            row = session.scalars(query.with_for_update()).first()
            current = list(row.keywords) if row is not None else list(self._defaults)
            updated = change(current)
            if row is None:
                session.add(KeywordListRow(owner=owner, keywords=updated, updated_at=utcnow()))
            else:
                row.keywords = updated
                row.updated_at = utcnow()
            return updated

        return self._retrying(apply)

    # -- per-job keywords -------------------------------------------------------------------------

    def job_keywords(self, job_id: str) -> list[str]:
        with self._sessions() as session:
            row = session.get(JobInsightsRow, job_id)
            return list(row.keywords) if row is not None else []

    def jobs_keywords(self, job_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each listed job's own keywords, in one query (jobs without any are left out)."""
        ids = list(dict.fromkeys(job_ids))
        if not ids:
            return {}
        with self._sessions() as session:
            query = select(JobInsightsRow.job_id, JobInsightsRow.keywords).where(
                JobInsightsRow.job_id.in_(ids)
            )
            return {
                job_id: list(keywords) for job_id, keywords in session.execute(query) if keywords
            }

    def set_job_keywords(self, job_id: str, keywords: Iterable[str]) -> list[str]:
        """Replace the job's own keywords (its insights go stale and are recomputed on read)."""
        cleaned = clean_keywords(keywords)

        def apply(session: Session) -> list[str]:
            row = session.get(JobInsightsRow, job_id, with_for_update=True)
            if row is None:
                session.add(JobInsightsRow(job_id=job_id, keywords=cleaned, updated_at=utcnow()))
            else:
                row.keywords = cleaned
                row.updated_at = utcnow()
            return cleaned

        return self._retrying(apply)

    def _retrying(self, apply: Callable[[Session], _T]) -> _T:
        # Two first writes for the same key can both insert; the loser retries as an update.
        for attempt in range(2):
            try:
                with self._sessions() as session, session.begin():
                    return apply(session)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")
