"""Request and response bodies, split by role: what clients send (`JobCreate`, `JobOptions`) and
what they get back (`JobPublic`, `JobPage`, `ServiceConfig`). Conversions from the store's
plain data live here too, so routes stay thin."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from video_transcriber.domain import JobStatus, Stage, TranscribeOptions
from video_transcriber.store.job import Job
from video_transcriber.uploads.records import ID_PATTERN


def integral(value: Any) -> Any:
    """For an `int` field of a strict request model (which refuses `true` and `"4"`), as a
    `mode="before"` validator: JSON Schema's integers include `4.0`, which strict refuses too."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


TranscriptFormat = Literal["txt", "srt", "vtt", "json", "tsv", "md", "html", "chapters"]


class FieldError(BaseModel):
    """One thing wrong with one part of a request."""

    loc: list[str | int] = Field(
        description='Where: `["body", "workers"]`, `["query", "limit"]`, `["path", "job_id"]`.'
    )
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="Pydantic's error type, e.g. `less_than_equal`, `missing`.")


class ErrorBody(BaseModel):
    """Every error of the service's own API (the OpenAI-compatible one answers in OpenAI's)."""

    detail: str = Field(description="What went wrong and what to do about it.")
    errors: list[FieldError] = Field(
        default=[],
        description="For a request that is not valid (422): each part at fault, where the "
        "service can name it. Absent otherwise.",
    )


SPEAKERS_PATTERN = r"^(auto|off|[1-9]|1[0-9]|20)$"
"""The values `speakers.assign.parse_request` accepts, as the API spells them."""


class JobOptions(BaseModel):
    """Per-job decoding options; anything left out uses the service's settings."""

    model_config = ConfigDict(extra="forbid", strict=True)  # `true` is no beam size

    model: str | None = Field(
        default=None,
        max_length=64,
        description="One of the `models` that `GET /api/config` lists (e.g. `tiny.en`, `base`).",
        examples=["tiny.en"],
    )
    language: str | None = Field(
        default=None,
        pattern=r"^([a-z]{2,3}|auto)$",
        description="ISO 639-1 code such as `de`, or `auto`: detected (with a multilingual "
        "model such as `base`) when left out.",
    )
    task: Literal["transcribe", "translate"] | None = Field(
        default=None,
        description="`translate` gives English text with the same timestamps (needs a "
        "multilingual model such as `base`); the spoken language is still reported.",
    )
    beam_size: int | None = Field(default=None, ge=1, le=16)
    word_timestamps: bool = False
    keywords: list[Annotated[str, Field(max_length=100)]] | None = Field(
        default=None,
        max_length=200,
        description="This job's own keywords, searched for besides your global list "
        "(GET /api/jobs/{id}/insights; change them with PUT /api/jobs/{id}/keywords).",
        examples=[["entropy", "exam"]],
    )

    speakers: str | None = Field(
        default=None,
        pattern=SPEAKERS_PATTERN,
        description="Who spoke when: `auto` finds the number of speakers, `1`-`20` fixes it, "
        "`off` skips it; left out, the service's default (`VT_SPEAKERS__DEFAULT`). Segments "
        "then carry `speaker`, and word timings are on.",
        examples=["auto"],
    )

    _whole_numbers = field_validator("beam_size", mode="before")(integral)

    def to_domain(self) -> TranscribeOptions:
        return TranscribeOptions(
            model=self.model,
            language=self.language,
            beam_size=self.beam_size,
            word_timestamps=self.word_timestamps,
            speakers=self.speakers,
            task=self.task,
        )


class JobCreate(BaseModel):
    """Create a job from a finished tus upload."""

    model_config = ConfigDict(extra="forbid", strict=True)

    upload_id: str = Field(
        pattern=f"^{ID_PATTERN}$", description="The id at the end of the tus upload's URL."
    )
    name: str | None = Field(default=None, max_length=200)
    options: JobOptions = Field(default_factory=JobOptions)


class ProgressPublic(BaseModel):
    stage: Stage
    percent: float = Field(description="Share of the speech transcribed, 0-100.")
    chunks_done: int
    chunks_total: int
    eta_seconds: float | None = Field(description="Estimated seconds left, once known.")


class MetricsPublic(BaseModel):
    chunk_runs: int = Field(description="Chunk transcriptions started, across restarts.")
    wall_seconds: float | None
    rtf: float | None = Field(description="Wall seconds per media second.")
    workers: int | None
    chunk_seconds: float | None
    peak_rss_bytes: int | None


class JobPublic(BaseModel):
    id: str
    name: str
    filename: str
    status: JobStatus
    error: str | None = Field(description="Why the job failed, and what to do.")
    progress: ProgressPublic
    metrics: MetricsPublic
    options: JobOptions
    size_bytes: int
    duration: float | None
    language: str | None = Field(description="The spoken language (detected or given).")
    language_probability: float | None = Field(
        default=None, description="How sure detection was (0-1); null when it was given."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job, *, keywords: list[str] | None = None) -> JobPublic:
        """The job as clients see it; `keywords` are its own keywords (kept apart from the job
        row, by `store.keyword_lists.KeywordStore`), None when it has none."""
        p, m, o = job.progress, job.metrics, job.options
        return cls(
            id=job.id,
            name=job.name,
            filename=job.filename,
            status=job.status,
            error=job.error,
            progress=ProgressPublic(
                stage=p.stage,
                percent=round(p.percent, 2),
                chunks_done=p.chunks_done,
                chunks_total=p.chunks_total,
                eta_seconds=p.eta_seconds,
            ),
            metrics=MetricsPublic(**dataclasses.asdict(m)),
            options=JobOptions(
                model=o.model,
                language=o.language,
                beam_size=o.beam_size,
                word_timestamps=o.word_timestamps,
                task=o.task,
                keywords=keywords or None,
                speakers=o.speakers,
            ),
            size_bytes=job.size_bytes,
            duration=job.duration,
            language=job.language,
            language_probability=job.language_probability,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class LinkTokenPublic(BaseModel):
    """A signed token for `?token=` on one job's media, transcript, events and insights URLs."""

    token: str = Field(description="Append as `?token=` (URL-safe as it is).")
    expires_at: datetime = Field(description="After this the token answers 401; ask again.")


class JobPage(BaseModel):
    items: list[JobPublic]
    total: int
    limit: int
    offset: int


class ServiceConfig(BaseModel):
    """What clients need to know before uploading."""

    tus_endpoint: str
    tus_version: str
    tus_extensions: list[str]
    chunk_size_bytes: int = Field(description="Recommended tus chunk size.")
    max_upload_bytes: int
    upload_expiry_seconds: float
    auth_required: bool
    default_model: str
    models: list[str]
    transcript_formats: list[str]


class Health(BaseModel):
    status: Literal["ok"]
    version: str
