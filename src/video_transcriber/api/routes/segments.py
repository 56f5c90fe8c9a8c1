"""Corrections: `PATCH /api/jobs/{id}/segments/{index}` rewrites one segment's text.

The stored transcript is changed in place (`JobStore.update_segment_text`), so every export
(txt, srt, vtt, json, ...) renders the corrected text; the search index and the insights are then
rebuilt from it (`JobInsights.job_completed`), so search finds the new words and keyword
mentions, questions and emphasis follow the correction. Segment indices are the `id`s of the
JSON export's segments.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from video_transcriber.api.deps import InsightsDep, OwnerDep, StoreDep
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.domain import JobStatus

MAX_SEGMENT_CHARS = 5000
NOT_BLANK = "[^" + "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace()) + "]"
"""A character that is not white space as `str.split` sees it (all of which is below U+3001),
spelled out: regex engines disagree on what `\\S` excludes."""

router = APIRouter(tags=["jobs"])


class SegmentEdit(BaseModel):
    """The corrected text of one segment."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(
        min_length=1,
        max_length=MAX_SEGMENT_CHARS,
        examples=["The corrected line."],
        description="Not blank: at least one character that is not white space.",
        json_schema_extra={"pattern": NOT_BLANK},  # checked, with its own message, by _not_blank
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        cleaned = " ".join(value.split())
        if not cleaned:
            raise ValueError("The text is blank; write what was said.")
        return cleaned


class SegmentPublic(BaseModel):
    index: int
    start: float
    end: float
    text: str


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (404, 409)}


@router.patch("/api/jobs/{job_id}/segments/{index}", response_model=SegmentPublic, responses=ERRORS)
def correct_segment(
    job_id: uuid.UUID,
    index: Annotated[int, Path(ge=0, le=1_000_000)],
    body: SegmentEdit,
    store: StoreDep,
    insights: InsightsDep,
    owner: OwnerDep,
) -> SegmentPublic:
    """Replace one segment's text; exports, search and insights reflect it from now on."""
    job = store.get(str(job_id), owner=owner)
    if job.status is not JobStatus.COMPLETED:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"The transcript is not ready: the job is {job.status.value}. "
            "Correct segments once its status is completed.",
        )
    try:
        segment = store.update_segment_text(job.id, index, body.text)
    except LookupError as exc:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"No segment {index}: {exc} Use the `id` of a segment from the JSON transcript.",
        ) from None
    insights.job_completed(job.id)
    return SegmentPublic(index=index, start=segment.start, end=segment.end, text=segment.text)
