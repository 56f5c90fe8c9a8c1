"""The job store: SQLAlchemy 2 over SQLite by default (any URL works), migrated at start-up.

Every method opens its own short transaction, so the store is safe to share between the event
loop's threadpool and the job threads. Status changes go through `transition`, which checks the
state machine in `store.states` and applies the change with a compare-and-set on the current
status. Chunk results are checkpoints: each is committed as it arrives and stored once per
`(job, chunk)`, however often it is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from video_transcriber.domain import (
    ChunkResult,
    JobStatus,
    Progress,
    Segment,
    Stage,
    Transcript,
)
from video_transcriber.errors import InvalidTransitionError, JobNotFoundError
from video_transcriber.store import migrations
from video_transcriber.store.job import Job, JobMetrics, NewJob
from video_transcriber.store.states import check_transition
from video_transcriber.store.tables import (
    ChunkRow,
    JobRow,
    TranscriptRow,
    chunk_from_row,
    job_from_row,
    transcript_from_dict,
    transcript_to_dict,
    utcnow,
)

_RUN_METRICS = ("wall_seconds", "rtf", "workers", "chunk_seconds", "peak_rss_bytes")
"""Metrics a run reports; `chunk_runs` is counted by `count_chunk_start` instead."""
_NOT_FOUND = "No job with this id exists (it may have been deleted); list your jobs to find it."


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers (the API) proceed while a job thread commits a checkpoint.
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


class JobStore:
    """Jobs, their chunk checkpoints and transcripts."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.engine = _make_engine(url)
        if migrate:
            migrations.upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """Raises if the database does not answer."""
        with self._sessions() as session:
            session.execute(select(1))

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @staticmethod
    def _row(session: Session, job_id: str, owner: str | None = None) -> JobRow:
        row = session.get(JobRow, job_id)
        if row is None or (owner is not None and row.owner != owner):
            raise JobNotFoundError(_NOT_FOUND)
        return row

    # -- jobs -------------------------------------------------------------------------------

    def create(self, new: NewJob) -> Job:
        now = utcnow()
        row = JobRow(
            id=new.id or str(uuid.uuid4()),
            owner=new.owner,
            name=new.name,
            filename=new.filename,
            media_path=new.media_path,
            size_bytes=new.size_bytes,
            duration=new.duration,
            status=JobStatus.QUEUED.value,
            options={k: v for k, v in asdict(new.options).items() if v is not None},
            stage=Stage.QUEUED.value,
            percent=0.0,
            chunks_done=0,
            chunks_total=0,
            chunk_runs=0,
            created_at=now,
            updated_at=now,
        )
        with self._tx() as session:
            session.add(row)
        return job_from_row(row)

    def get(self, job_id: str, *, owner: str | None = None) -> Job:
        """The job, or `JobNotFoundError`; with `owner`, other owners' jobs are not found either."""
        with self._sessions() as session:
            return job_from_row(self._row(session, job_id, owner))

    def list_jobs(
        self,
        *,
        owner: str | None = None,
        status: JobStatus | None = None,
        search: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[Job], int]:
        """A page of jobs, newest first, and how many match in all."""
        query = select(JobRow)
        if owner is not None:
            query = query.where(JobRow.owner == owner)
        if status is not None:
            query = query.where(JobRow.status == status.value)
        if search:
            needle = search.lower()
            query = query.where(
                or_(
                    func.lower(JobRow.name).contains(needle, autoescape=True),
                    func.lower(JobRow.filename).contains(needle, autoescape=True),
                )
            )
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(JobRow.created_at.desc(), JobRow.id).limit(limit).offset(offset)
            ).all()
            return [job_from_row(row) for row in rows], total

    def ids_with_status(self, status: JobStatus) -> list[str]:
        """Ids of jobs in `status`, oldest first (the order they are resumed in)."""
        with self._sessions() as session:
            query = select(JobRow.id).where(JobRow.status == status.value)
            return list(session.scalars(query.order_by(JobRow.created_at, JobRow.id)).all())

    def transition(self, job_id: str, target: JobStatus, *, error: str | None = None) -> Job:
        """Move the job to `target` if the state machine allows it from its current status."""
        with self._tx() as session:
            return self._transition(session, job_id, target, error=error)

    def _transition(
        self,
        session: Session,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Job:
        row = self._row(session, job_id)
        current = JobStatus(row.status)
        check_transition(current, target)
        values = {**_entry_values(target, error), **(extra or {})}
        result = session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == current.value)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 1) != 1:
            raise InvalidTransitionError(
                "This job changed state at the same moment; fetch it again and retry."
            )
        session.refresh(row)
        return job_from_row(row)

    def update_progress(
        self, job_id: str, progress: Progress, *, duration: float | None = None
    ) -> None:
        """Record progress of a running job; ignored once the job has left `running`."""
        values: dict[str, Any] = {
            "stage": progress.stage.value,
            "percent": progress.percent,
            "chunks_done": progress.chunks_done,
            "chunks_total": progress.chunks_total,
            "eta_seconds": progress.eta_seconds,
            "updated_at": utcnow(),
        }
        if duration is not None:
            values["duration"] = duration
        with self._tx() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == JobStatus.RUNNING.value)
                .values(**values)
            )

    def complete(self, job_id: str, transcript: Transcript, metrics: JobMetrics) -> Job:
        """Store the transcript and mark the job completed, in one transaction."""
        extra = _known_run_metrics(metrics)
        extra.update(duration=transcript.duration, language=transcript.language or None)
        with self._tx() as session:
            job = self._transition(session, job_id, JobStatus.COMPLETED, extra=extra)
            session.merge(TranscriptRow(job_id=job_id, data=transcript_to_dict(transcript)))
            return job

    def record_metrics(self, job_id: str, metrics: JobMetrics) -> None:
        """Keep the known metrics of a run (also a failed one); `chunk_runs` is not touched."""
        values = _known_run_metrics(metrics)
        if not values:
            return
        with self._tx() as session:
            session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))

    def delete(self, job_id: str, *, owner: str | None = None) -> Job:
        """Remove the job and everything stored with it; returns what it was."""
        with self._tx() as session:
            row = self._row(session, job_id, owner)
            job = job_from_row(row)
            session.delete(row)
            return job

    # -- checkpoints and results ---------------------------------------------------------------

    def count_chunk_start(self, job_id: str) -> None:
        """Add one to the job's `chunk_runs`: a chunk transcription has started.

        Committed at once, so a start survives the process dying mid-chunk; the chunk is run
        again after the restart and counts again, which is how redone work shows up. A job
        deleted meanwhile is left alone.
        """
        with self._tx() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(chunk_runs=JobRow.chunk_runs + 1, updated_at=utcnow())
            )

    def save_chunk(self, job_id: str, result: ChunkResult) -> bool:
        """Commit a finished chunk; True if this chunk was not stored before.

        A chunk that arrives again (transcribed twice) is stored only once; its runs are counted
        when they start (`count_chunk_start`), not here.
        """
        with self._tx() as session:
            self._row(session, job_id)
            session.execute(update(JobRow).where(JobRow.id == job_id).values(updated_at=utcnow()))
            if session.get(ChunkRow, (job_id, result.chunk_index)) is not None:
                return False
            session.add(
                ChunkRow(
                    job_id=job_id,
                    chunk_index=result.chunk_index,
                    language=result.language,
                    decode_seconds=result.decode_seconds,
                    redecoded_spans=result.redecoded_spans,
                    segments=[s.to_dict() for s in result.segments],
                )
            )
            return True

    def chunk_results(self, job_id: str) -> dict[int, ChunkResult]:
        """Stored chunk results by chunk index: what a resumed job need not transcribe again."""
        with self._sessions() as session:
            rows = session.scalars(select(ChunkRow).where(ChunkRow.job_id == job_id)).all()
            return {row.chunk_index: chunk_from_row(row) for row in rows}

    def transcript(self, job_id: str) -> Transcript | None:
        with self._sessions() as session:
            row = session.get(TranscriptRow, job_id)
            return None if row is None else transcript_from_dict(row.data)

    def update_segment_text(self, job_id: str, index: int, text: str) -> Segment:
        """Correct one segment's text in the stored transcript (exports read it from here).

        The segment's word timings are dropped: they belong to the words that were replaced.
        Raises `JobNotFoundError`, or `LookupError` when there is no transcript or no such segment.
        """
        with self._tx() as session:
            self._row(session, job_id)
            row = session.get(TranscriptRow, job_id, with_for_update=True)
            if row is None:
                raise LookupError("This job has no transcript yet.")
            segments = list(row.data["segments"])
            if not 0 <= index < len(segments):
                raise LookupError(f"The transcript has {len(segments)} segments (0 to n-1).")
            segments[index] = {**segments[index], "text": text, "words": []}
            row.data = {**row.data, "segments": segments}
            return Segment.from_dict(segments[index])

    def rename_speaker(self, job_id: str, old: str, new: str) -> int:
        """Call speaker `old` `new` in every segment of the stored transcript; how many changed.

        Raises `JobNotFoundError`, or `LookupError` when there is no transcript or no segment
        has speaker `old`.
        """
        with self._tx() as session:
            self._row(session, job_id)
            row = session.get(TranscriptRow, job_id, with_for_update=True)
            if row is None:
                raise LookupError("This job has no transcript yet.")
            segments = list(row.data["segments"])
            known = sorted({s.get("speaker") for s in segments if s.get("speaker")})
            if old not in known:
                listed = ", ".join(known) if known else "none (transcribe with speakers)"
                raise LookupError(f"No speaker {old!r}; the transcript's speakers: {listed}.")
            renamed = [{**s, "speaker": new} if s.get("speaker") == old else s for s in segments]
            row.data = {**row.data, "segments": renamed}
            return sum(1 for s in segments if s.get("speaker") == old)


def _known_run_metrics(metrics: JobMetrics) -> dict[str, Any]:
    """The run's metric columns that were measured (`chunk_runs` is counted separately)."""
    return {
        name: getattr(metrics, name) for name in _RUN_METRICS if getattr(metrics, name) is not None
    }


def _entry_values(target: JobStatus, error: str | None) -> dict[str, Any]:
    """Columns set on entering `target`."""
    now = utcnow()
    values: dict[str, Any] = {"status": target.value, "updated_at": now}
    if target is JobStatus.RUNNING:
        values.update(started_at=now, finished_at=None, error=None)
    elif target is JobStatus.QUEUED:
        values.update(
            finished_at=None, error=None, stage=Stage.QUEUED.value, percent=0.0, eta_seconds=None
        )
    elif target is JobStatus.COMPLETED:
        values.update(finished_at=now, stage=Stage.DONE.value, percent=100.0, eta_seconds=0.0)
    else:
        values.update(finished_at=now, eta_seconds=None, error=error)
    return values
