"""Speaker names: `PATCH /api/jobs/{id}/speakers` renames one speaker ("Speaker 2" → "Prof. Ada").

The stored transcript is changed in place (`JobStore.rename_speaker`), so every export (SRT
prefixes, WebVTT `<v>` tags, JSON `speaker`, ...) shows the new name; the search index and
the insights (talk time, who asked each question) are rebuilt from it
(`JobInsights.job_completed`), so search finds the segments under the new name.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from video_transcriber.api.deps import InsightsDep, OwnerDep, StoreDep
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.domain import JobStatus
from video_transcriber.insights.speakers import talk_times

MAX_NAME_CHARS = 80
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"
"""A name holds at least one character that is not white space, by the white space of JSON
Schema's regular expressions and of Python's `str.split` alike (each counts a few the other
does not), so the document and the check below refuse the same names."""

router = APIRouter(tags=["jobs"])


class SpeakerRename(BaseModel):
    """Which speaker to rename and the new name."""

    model_config = ConfigDict(extra="forbid", strict=True)

    speaker: str = Field(
        min_length=1, max_length=MAX_NAME_CHARS, pattern=NOT_BLANK, examples=["Speaker 2"]
    )
    name: str = Field(
        min_length=1, max_length=MAX_NAME_CHARS, pattern=NOT_BLANK, examples=["Prof. Ada"]
    )

    @field_validator("speaker", "name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        cleaned = " ".join(value.replace("\ufeff", " ").split())
        if not cleaned:
            raise ValueError("The name is blank; write a name.")
        return cleaned


class SpeakerPublic(BaseModel):
    speaker: str
    seconds: float = Field(description="Seconds of talk.")
    share: float = Field(description="Share of all talk, 0-1.")
    segments: int


class SpeakersPublic(BaseModel):
    renamed_segments: int
    speakers: list[SpeakerPublic]


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (404, 409)}


@router.patch("/api/jobs/{job_id}/speakers", response_model=SpeakersPublic, responses=ERRORS)
def rename_speaker(
    job_id: uuid.UUID, body: SpeakerRename, store: StoreDep, insights: InsightsDep, owner: OwnerDep
) -> SpeakersPublic:
    """Rename a speaker; exports, search and insights show the new name from now on."""
    job = store.get(str(job_id), owner=owner)
    if job.status is not JobStatus.COMPLETED:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"The transcript is not ready: the job is {job.status.value}. "
            "Rename speakers once its status is completed.",
        )
    try:
        changed = store.rename_speaker(job.id, body.speaker, body.name)
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    insights.job_completed(job.id)
    transcript = store.transcript(job.id)
    times = talk_times(transcript.segments) if transcript is not None else ()
    return SpeakersPublic(
        renamed_segments=changed,
        speakers=[SpeakerPublic(**dataclasses.asdict(t)) for t in times],
    )
