"""Study tools per job: the study guide and passage vectors in the store, and semantic search.

`transcript_ready` runs when a job completes and again when its text is corrected (both reach
it through `JobInsights.transcript_ready`): the transcript's passages are embedded — reusing
the stored vector of every passage whose text did not change — chapters, key sentences and key
terms are built, and passages and guide replace the job's old ones in one transaction.

Search is brute force over every stored vector, held in memory as one matrix and reloaded
only when the passages table changed (its row count and highest id, one cheap query per
search, so several API processes stay correct). Visibility is decided before ranking: only
completed jobs of the caller's owner are unmasked. Hybrid mode fuses the keyword index's
segment hits with the semantic passage hits by reciprocal rank (`study.fusion`).
"""

from __future__ import annotations

import dataclasses
import html
import logging
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from video_transcriber.config import StudySettings
from video_transcriber.domain import JobStatus, Transcript
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.search_index import SearchHit, SearchIndex
from video_transcriber.store.study_tables import StudyGuideRow, StudyPassageRow
from video_transcriber.store.tables import JobRow, utcnow
from video_transcriber.study.embedding import Embedder, ReusingEmbedder, load_embedder
from video_transcriber.study.fusion import fuse, moment_key
from video_transcriber.study.guide import StudyGuide, build_guide
from video_transcriber.study.vectors import VectorMatrix, from_blobs, to_blob

log = logging.getLogger(__name__)

GUIDE_VERSION = 1
"""Bump when `study.build_guide` changes what it finds; older stored guides are rebuilt."""
SNIPPET_WORDS = 40
POOL = 100
"""Hits taken from each search before fusing."""
NEAR_BEST = 0.1
"""Semantic hits more than this cosine below the best are dropped: E5 scores every passage
0.7-0.8 against almost any query, so without a cut every passage would be a 'hit'."""

Mode = Literal["keyword", "semantic", "hybrid"]


@dataclass(frozen=True, slots=True)
class StudyHit:
    hit: SearchHit
    matched_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Row:
    job_id: str
    idx: int
    start: float
    end: float
    segment: int
    text: str


class _Matrix:
    def __init__(self, key: tuple[int, int], rows: list[_Row], vectors: np.ndarray) -> None:
        self.key = key
        self.rows = rows
        self.matrix = VectorMatrix(vectors, [row.job_id for row in rows])
        self.starts: dict[str, list[float]] = {}
        for row in rows:
            self.starts.setdefault(row.job_id, []).append(row.start)


class JobStudy:
    """Study guides and semantic search for the jobs in one store."""

    def __init__(
        self, store: JobStore, settings: StudySettings, *, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self._sessions = sessionmaker(store.engine, expire_on_commit=False)
        self._embedder = embedder
        self._cache: _Matrix | None = None
        self._lock = threading.Lock()
        self.last_embedded = 0
        """Passages the last `transcript_ready` sent to the model (the rest were reused)."""

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.threads)
        return self._embedder

    # -- writes -------------------------------------------------------------------------------

    def transcript_ready(self, job_id: str, transcript: Transcript) -> StudyGuide:
        """Embed the transcript's passages (reusing unchanged ones) and store guide and vectors."""
        reusing = ReusingEmbedder(self.embedder, self._stored_vectors(job_id))
        guide = build_guide(
            transcript.segments,
            duration=transcript.duration,
            embedder=reusing,
            settings=self.settings,
            language=transcript.language or "en",
        )
        self.last_embedded = reusing.embedded
        rows = [
            StudyPassageRow(
                job_id=job_id,
                idx=passage.index,
                start=passage.start,
                end=passage.end,
                seg_index=passage.segment_index,
                text=passage.text,
                vector=to_blob(vector),
            )
            for passage, vector in zip(guide.passages, guide.vectors, strict=True)
        ]
        with self._sessions() as session, session.begin():
            session.execute(delete(StudyPassageRow).where(StudyPassageRow.job_id == job_id))
            session.add_all(rows)
            row = session.get(StudyGuideRow, job_id)
            if row is None:
                row = StudyGuideRow(job_id=job_id)
                session.add(row)
            row.data, row.version, row.updated_at = guide.to_dict(), GUIDE_VERSION, utcnow()
        return guide

    def _stored_vectors(self, job_id: str) -> dict[str, np.ndarray]:
        with self._sessions() as session:
            stored = session.execute(
                select(StudyPassageRow.text, StudyPassageRow.vector).where(
                    StudyPassageRow.job_id == job_id
                )
            ).all()
        if not stored:
            return {}
        vectors = from_blobs([blob for _, blob in stored])
        return {text: vector for (text, _), vector in zip(stored, vectors, strict=True)}

    # -- reads --------------------------------------------------------------------------------

    def guide(self, job_id: str) -> dict[str, object] | None:
        """The stored guide (chapters, key_sentences, key_terms) if current, else None."""
        with self._sessions() as session:
            row = session.get(StudyGuideRow, job_id)
            if row is None or row.version != GUIDE_VERSION:
                return None
            return dict(row.data)

    def semantic(self, query: str, *, owner: str | None, limit: int) -> list[SearchHit]:
        """Passages of the owner's completed jobs nearest in meaning to `query`, best first."""
        cache = self._matrix()
        if not len(cache.matrix) or not query.strip():
            return []
        allowed = self._visible_jobs(owner)
        ranked = cache.matrix.top(self.embedder.query(query), limit=limit, allowed=allowed)
        ranked = [r for r in ranked if r.score >= ranked[0].score - NEAR_BEST] if ranked else []
        names = self._names({cache.rows[r.row].job_id for r in ranked})
        return [_hit(cache.rows[r.row], names, r.score) for r in ranked]

    def search(
        self, query: str, *, owner: str | None, mode: Mode, index: SearchIndex, limit: int
    ) -> list[StudyHit]:
        """Hits of `mode` for `query`: keyword segments, semantic passages, or both fused."""
        keyword = index.search(query, owner=owner, limit=POOL).hits if mode != "semantic" else []
        if mode == "keyword":
            return [StudyHit(hit, ("keyword",)) for hit in keyword[:limit]]
        semantic = self.semantic(query, owner=owner, limit=POOL)
        if mode == "semantic":
            return [StudyHit(hit, ("semantic",)) for hit in semantic[:limit]]
        return self._fused(keyword, semantic)[:limit]

    def _fused(self, keyword: list[SearchHit], semantic: list[SearchHit]) -> list[StudyHit]:
        starts = self._matrix().starts

        def key(hit: SearchHit) -> tuple[str, int]:
            return hit.job_id, moment_key(starts.get(hit.job_id, [0.0]), hit.start)

        by_key: dict[tuple[str, int], dict[str, SearchHit]] = {}
        for label, hits in (("keyword", keyword), ("semantic", semantic)):
            for hit in hits:
                by_key.setdefault(key(hit), {}).setdefault(label, hit)
        fused = fuse([[key(h) for h in keyword], [key(h) for h in semantic]])
        out = []
        for item, score in fused:
            found = by_key[item]
            best = found.get("keyword") or found["semantic"]
            hit = dataclasses.replace(best, score=score)
            out.append(
                StudyHit(hit, tuple(label for label in ("keyword", "semantic") if label in found))
            )
        return out

    def _matrix(self) -> _Matrix:
        with self._sessions() as session:
            count, top = session.execute(
                select(func.count(StudyPassageRow.id), func.max(StudyPassageRow.id))
            ).one()
        key = (int(count or 0), int(top or 0))
        with self._lock:
            if self._cache is None or self._cache.key != key:
                self._cache = self._load(key)
            return self._cache

    def _load(self, key: tuple[int, int]) -> _Matrix:
        with self._sessions() as session:
            stored = session.execute(
                select(
                    StudyPassageRow.job_id,
                    StudyPassageRow.idx,
                    StudyPassageRow.start,
                    StudyPassageRow.end,
                    StudyPassageRow.seg_index,
                    StudyPassageRow.text,
                    StudyPassageRow.vector,
                ).order_by(StudyPassageRow.job_id, StudyPassageRow.idx)
            ).all()
        rows = [
            _Row(str(job), int(idx), float(start), float(end), int(seg), str(text))
            for job, idx, start, end, seg, text, _ in stored
        ]
        return _Matrix(key, rows, from_blobs([blob for *_, blob in stored]))

    def _visible_jobs(self, owner: str | None) -> set[str]:
        query = select(JobRow.id).where(JobRow.status == JobStatus.COMPLETED.value)
        if owner is not None:
            query = query.where(JobRow.owner == owner)
        with self._sessions() as session:
            return set(session.scalars(query).all())

    def _names(self, job_ids: set[str]) -> dict[str, str]:
        if not job_ids:
            return {}
        with self._sessions() as session:
            found = session.execute(select(JobRow.id, JobRow.name).where(JobRow.id.in_(job_ids)))
            return {job_id: name for job_id, name in found.all()}


def _hit(row: _Row, names: dict[str, str], score: float) -> SearchHit:
    words = row.text.split()
    snippet = " ".join(words[:SNIPPET_WORDS]) + ("\u2026" if len(words) > SNIPPET_WORDS else "")
    return SearchHit(
        job_id=row.job_id,
        job_name=names.get(row.job_id, ""),
        segment_index=row.segment,
        start=row.start,
        end=row.end,
        snippet=html.escape(snippet, quote=False),
        score=score,
    )
