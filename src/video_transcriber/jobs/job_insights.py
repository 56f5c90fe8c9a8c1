"""Study insights per job: computed when a job completes, kept fresh when keywords change.

`JobInsights` ties the pure `insights.analyze` to the store. A job's keywords are its own
followed by its owner's global list (`store.keyword_lists`). Each stored result carries a
fingerprint of the keyword and emphasis lists it was computed with; `insights_for` recomputes
when the fingerprint no longer matches, so a keyword edit can never leave a stale answer behind,
even if the eager recompute after the edit (`recompute_owner`) has not reached that job yet.
Edits in quick succession share that recompute (`refresh_owner`): while one runs for an owner,
further edits only ask it to go round once more, so a burst of edits never queues a recompute
of every job per edit (each would hold a worker thread the API needs).

`transcript_ready` is the manager's completion hook: it indexes the segments for search,
computes the insights and has `jobs.job_study` embed the passages and build the study guide
(chapters, key sentences, key terms), which `insights_for` attaches to the insights. It never
raises: a job whose insights could not be computed is still a completed job, and the next read
computes them (a job whose study guide could not be built has none until its text changes).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus, Transcript
from video_transcriber.errors import JobNotFoundError, VideoTranscriberError
from video_transcriber.formats import STUDY_FORMATS
from video_transcriber.insights import Insights, analyze
from video_transcriber.jobs.job_study import JobStudy
from video_transcriber.store.insight_tables import JobInsightsRow, SegmentSearchRow
from video_transcriber.store.job import Job
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.keyword_lists import KeywordStore, merged
from video_transcriber.store.search_index import SearchIndex
from video_transcriber.store.tables import JobRow, utcnow

log = logging.getLogger(__name__)

ANALYSIS_VERSION = 2
"""Bump when `insights.analyze` changes what it finds, so stored results are recomputed."""


def fingerprint(keywords: Sequence[str], emphasis_phrases: Sequence[str]) -> str:
    """What a stored result depends on besides the transcript, as a short stable hash."""
    payload = json.dumps([ANALYSIS_VERSION, list(keywords), list(emphasis_phrases)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class JobInsights:
    """Insights, keywords and the search index for the jobs in one store."""

    def __init__(self, store: JobStore, settings: Settings) -> None:
        self.store = store
        self.keywords = KeywordStore(store.engine, settings.keywords)
        self.index = SearchIndex(store.engine)
        self.settings = settings
        self._sessions = sessionmaker(store.engine, expire_on_commit=False)
        self._refresh_lock = threading.Lock()
        self._refreshing: set[str] = set()
        self._refresh_again: set[str] = set()
        self.study = JobStudy(store, settings.study) if settings.study.enabled else None
        """Chapters, key sentences and terms, semantic search (None: study tools off)."""

    def render_extras(
        self, job: Job, transcript: Transcript, fmt: str, *, media_url: str | None = None
    ) -> dict[str, Any]:
        """Extra `formats.render` arguments for `fmt`: the job's insights for the study formats,
        and for the standalone HTML page the media URL to play (None: the page has no player)."""
        if fmt not in STUDY_FORMATS:
            return {}
        extras: dict[str, Any] = {"insights": self.insights_for(job, transcript)}
        if fmt == "html" and media_url is not None:
            extras["media_url"] = media_url
        return extras

    def keywords_for(self, job: Job) -> list[str]:
        """The job's own keywords, then its owner's global ones."""
        return merged(self.keywords.job_keywords(job.id), self.keywords.global_keywords(job.owner))

    # -- the completion hook ------------------------------------------------------------------

    def transcript_ready(self, job_id: str, transcript: Transcript) -> None:
        """Index the finished transcript and compute its insights; logs instead of raising.

        The manager calls this just before it marks the job completed, so search and insights
        are ready when clients hear of the completion; search shows completed jobs only, so a
        job whose completion then loses to a cancel stays invisible.
        """
        try:
            job = self.store.get(job_id)
            self.index.replace(job_id, transcript.segments, transcript.language)
            self._compute(job, transcript)
        except JobNotFoundError:
            return  # deleted as it finished
        except (SQLAlchemyError, ValueError, KeyError, TypeError):
            log.exception("insights for job %s could not be computed; they will be on read", job_id)
        self._study_ready(job_id, transcript)

    def _study_ready(self, job_id: str, transcript: Transcript) -> None:
        """Embed passages and build the study guide; a failure leaves the job without them."""
        if self.study is None:
            return
        try:
            self.study.transcript_ready(job_id, transcript)
        except (SQLAlchemyError, VideoTranscriberError, ValueError):
            log.exception("the study guide of job %s could not be built", job_id)

    def job_completed(self, job_id: str) -> None:
        """`transcript_ready` for a job already completed (backfill, or after segment edits)."""
        try:
            job = self.store.get(job_id)
            transcript = self.store.transcript(job_id)
        except JobNotFoundError:
            return
        if job.status is JobStatus.COMPLETED and transcript is not None:
            self.transcript_ready(job_id, transcript)

    # -- reads --------------------------------------------------------------------------------

    def insights_for(self, job: Job, transcript: Transcript | None = None) -> Insights | None:
        """Current insights for a completed job (recomputed if stale), else None."""
        if job.status is not JobStatus.COMPLETED:
            return None
        keywords = self.keywords_for(job)
        current = self._current(job.id, keywords, job.language)
        if current is None:
            transcript = transcript or self.store.transcript(job.id)
            if transcript is None:
                return None
            current = self._compute(job, transcript, keywords)
        study = self.study.guide(job.id) if self.study is not None else None
        return dataclasses.replace(current, study=study) if study is not None else current

    def _current(
        self, job_id: str, keywords: Sequence[str], language: str | None
    ) -> Insights | None:
        """The stored insights, if computed with these keywords and emphasis phrases."""
        with self._sessions() as session:
            row = session.get(JobInsightsRow, job_id)
            data, stamp = (row.data, row.fingerprint) if row is not None else (None, None)
        if data is None or stamp != fingerprint(keywords, self._phrases(language)):
            return None
        try:
            return Insights.from_dict(data)
        except (KeyError, TypeError, ValueError):
            log.warning("stored insights of job %s are malformed; recomputing", job_id)
            return None

    # -- writes -------------------------------------------------------------------------------

    def set_job_keywords(self, job: Job, keywords: Sequence[str]) -> Insights | None:
        """Replace the job's own keywords; its recomputed insights (None if unfinished)."""
        self.keywords.set_job_keywords(job.id, keywords)
        return self.insights_for(job)

    def recompute_owner(self, owner: str) -> int:
        """Bring every completed job of `owner` up to date; returns how many were recomputed."""
        with self._sessions() as session:
            ids = session.scalars(
                select(JobRow.id).where(
                    JobRow.owner == owner, JobRow.status == JobStatus.COMPLETED.value
                )
            ).all()
        return sum(self._refresh(job_id) for job_id in ids)

    def refresh_owner(self, owner: str) -> None:
        """`recompute_owner`, unless one is already running for `owner`: that one then goes
        round once more when it is done, which covers this call's change too."""
        with self._refresh_lock:
            if owner in self._refreshing:
                self._refresh_again.add(owner)
                return
            self._refreshing.add(owner)
        while True:
            try:
                self.recompute_owner(owner)
            except BaseException:
                self._done_refreshing(owner)
                raise
            with self._refresh_lock:  # checking for more and handing back are one step
                if owner not in self._refresh_again:
                    self._refreshing.discard(owner)
                    return
                self._refresh_again.discard(owner)

    def _done_refreshing(self, owner: str) -> None:
        with self._refresh_lock:
            self._refreshing.discard(owner)
            self._refresh_again.discard(owner)

    def backfill(self) -> int:
        """Index and analyse completed jobs that have neither (finished before this feature)."""
        with self._sessions() as session:
            analysed = select(JobInsightsRow.job_id).where(JobInsightsRow.data.is_not(None))
            indexed = select(SegmentSearchRow.job_id)
            ids = session.scalars(
                select(JobRow.id).where(
                    JobRow.status == JobStatus.COMPLETED.value,
                    JobRow.id.not_in(analysed),
                    JobRow.id.not_in(indexed),
                )
            ).all()
        for job_id in ids:
            self.job_completed(job_id)
        return len(ids)

    def _refresh(self, job_id: str) -> bool:
        try:
            job = self.store.get(job_id)
            if job.status is not JobStatus.COMPLETED:
                return False
            keywords = self.keywords_for(job)
            if self._current(job_id, keywords, job.language) is not None:
                return False
            transcript = self.store.transcript(job_id)
        except JobNotFoundError:
            return False
        if transcript is None:
            return False
        self._compute(job, transcript, keywords)
        return True

    def _phrases(self, language: str | None) -> list[str]:
        return self.settings.emphasis_phrases_for(language)

    def _compute(
        self, job: Job, transcript: Transcript, keywords: Sequence[str] | None = None
    ) -> Insights:
        keywords = self.keywords_for(job) if keywords is None else keywords
        phrases = self._phrases(transcript.language)
        found = analyze(
            transcript.segments,
            keywords=keywords,
            emphasis_phrases=phrases,
            duration=transcript.duration,
            language=transcript.language,
        )
        self._save(job.id, found, fingerprint(keywords, phrases))
        return found

    def _save(self, job_id: str, found: Insights, stamp: str) -> None:
        for attempt in range(2):
            try:
                with self._sessions() as session, session.begin():
                    row = session.get(JobInsightsRow, job_id)
                    if row is None:
                        row = JobInsightsRow(job_id=job_id, keywords=[])
                        session.add(row)
                    row.data, row.fingerprint, row.updated_at = found.to_dict(), stamp, utcnow()
                return
            except IntegrityError:
                if attempt:  # the job was deleted meanwhile: nothing to keep
                    log.info("job %s is gone; its insights were not stored", job_id)
                    return
