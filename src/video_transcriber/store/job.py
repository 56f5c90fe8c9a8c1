"""What the store hands out about a job: plain frozen data, no session attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from video_transcriber.domain import JobStatus, Progress, Stage, TranscribeOptions


@dataclass(frozen=True, slots=True)
class JobMetrics:
    """How a job ran; `chunk_runs` counts chunk transcriptions started, across restarts."""

    chunk_runs: int = 0
    """Chunk transcriptions started, including repeats: a chunk in flight when the service died
    (or its worker crashed) counts once for that start and again when it is run anew. Equals the
    number of chunks transcribed when nothing was cut short or redone."""
    wall_seconds: float | None = None
    """Seconds from the last start to completion."""
    rtf: float | None = None
    """Real-time factor: wall seconds per media second (lower is faster)."""
    workers: int | None = None
    chunk_seconds: float | None = None
    peak_rss_bytes: int | None = None
    """Highest resident memory seen for the service and its worker processes during the job."""


@dataclass(frozen=True, slots=True)
class NewJob:
    """Everything needed to queue a job for a media file already moved into the data directory."""

    owner: str
    name: str
    filename: str
    media_path: str
    """Relative to the service data directory; a generated name, never the client's."""
    size_bytes: int
    duration: float | None = None
    options: TranscribeOptions = field(default_factory=TranscribeOptions)
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored."""

    id: str
    owner: str
    name: str
    filename: str
    media_path: str
    size_bytes: int
    status: JobStatus
    options: TranscribeOptions
    progress: Progress
    metrics: JobMetrics
    created_at: datetime
    updated_at: datetime
    error: str | None = None
    duration: float | None = None
    language: str | None = None
    language_probability: float | None = None
    """How sure language detection was (None when the language was given)."""
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def stage(self) -> Stage:
        return self.progress.stage
