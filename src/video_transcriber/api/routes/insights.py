"""Study insights and keywords: the caller's global keyword list, a job's own keywords, and a
completed job's insights (keyword mentions, questions, emphasis cues, totals).

A change to the global list answers at once and brings the caller's completed jobs up to date
in the background; reads never wait for that, because `JobInsights.insights_for` recomputes a
stale result itself. A job's own keywords are recomputed before the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, status
from fastapi.responses import JSONResponse

from video_transcriber.api.deps import InsightsDep, OwnerDep, ReaderDep, StoreDep
from video_transcriber.api.downloads import content_disposition
from video_transcriber.api.insight_schemas import (
    InsightsPublic,
    JobKeywords,
    KeywordList,
    KeywordsBody,
)
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.domain import JobStatus
from video_transcriber.jobs.job_insights import JobInsights
from video_transcriber.store.job import Job

router = APIRouter(tags=["insights"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}
INVALID: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody}}


def _valid(change: Any, *args: Any) -> list[str]:
    try:
        result: list[str] = change(*args)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
    return result


# -- the global list -------------------------------------------------------------------------


@router.get("/api/keywords", response_model=KeywordList)
def get_keywords(insights: InsightsDep, owner: OwnerDep) -> KeywordList:
    """Your global keywords: searched for in every one of your transcripts."""
    return KeywordList(keywords=insights.keywords.global_keywords(owner))


@router.put("/api/keywords", response_model=KeywordList, responses=INVALID)
def replace_keywords(
    body: KeywordsBody, insights: InsightsDep, owner: OwnerDep, background: BackgroundTasks
) -> KeywordList:
    """Replace your global keyword list; your transcripts' insights are recomputed."""
    keywords = _valid(insights.keywords.set_global, owner, body.keywords)
    background.add_task(insights.refresh_owner, owner)
    return KeywordList(keywords=keywords)


@router.post("/api/keywords", response_model=KeywordList, responses=INVALID)
def add_keywords(
    body: KeywordsBody, insights: InsightsDep, owner: OwnerDep, background: BackgroundTasks
) -> KeywordList:
    """Add keywords to your global list (ones already there are kept once)."""
    keywords = _valid(insights.keywords.add_global, owner, body.keywords)
    background.add_task(insights.refresh_owner, owner)
    return KeywordList(keywords=keywords)


@router.delete("/api/keywords/{keyword}", response_model=KeywordList, responses=NOT_FOUND)
def delete_keyword(
    keyword: str, insights: InsightsDep, owner: OwnerDep, background: BackgroundTasks
) -> KeywordList:
    """Remove one keyword (case and spacing do not matter) from your global list."""
    remaining = insights.keywords.remove_global(owner, keyword)
    if remaining is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"{keyword!r} is not in your keyword list; GET /api/keywords shows what is.",
        )
    background.add_task(insights.refresh_owner, owner)
    return KeywordList(keywords=remaining)


# -- one job ---------------------------------------------------------------------------------


def _job_keywords(insights: JobInsights, job: Job) -> JobKeywords:
    return JobKeywords(
        job_keywords=insights.keywords.job_keywords(job.id),
        applied_keywords=insights.keywords_for(job),
    )


@router.get("/api/jobs/{job_id}/keywords", response_model=JobKeywords, responses=NOT_FOUND)
def get_job_keywords(
    job_id: uuid.UUID, store: StoreDep, insights: InsightsDep, owner: OwnerDep
) -> JobKeywords:
    """This job's own keywords, and all the keywords its insights search for."""
    return _job_keywords(insights, store.get(str(job_id), owner=owner))


@router.put(
    "/api/jobs/{job_id}/keywords", response_model=JobKeywords, responses={**NOT_FOUND, **INVALID}
)
def replace_job_keywords(
    job_id: uuid.UUID, body: KeywordsBody, store: StoreDep, insights: InsightsDep, owner: OwnerDep
) -> JobKeywords:
    """Replace this job's own keywords; a completed job's insights are recomputed at once."""
    job = store.get(str(job_id), owner=owner)
    try:
        insights.set_job_keywords(job, body.keywords)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
    return _job_keywords(insights, job)


@router.get(
    "/api/jobs/{job_id}/insights",
    response_model=InsightsPublic,
    responses={**NOT_FOUND, 409: {"model": ErrorBody}},
)
def get_job_insights(
    job_id: uuid.UUID,
    store: StoreDep,
    insights: InsightsDep,
    owner: ReaderDep,
    download: Annotated[bool, Query(description="Send as an insights.json download.")] = False,
) -> Any:
    """Keyword mentions, questions, emphasis cues and totals, each with links to its moment."""
    job = store.get(str(job_id), owner=owner)
    found = insights.insights_for(job)
    if found is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"Insights are not ready: the job is {job.status.value}. "
            f"Wait until its status is {JobStatus.COMPLETED.value} (or retry it if it failed).",
        )
    body = InsightsPublic.of(
        job.id,
        job.name,
        found,
        job_keywords=insights.keywords.job_keywords(job.id),
        applied_keywords=insights.keywords_for(job),
    )
    if not download:
        return body
    return JSONResponse(
        body.model_dump(mode="json"),
        headers={"Content-Disposition": content_disposition(job.name, "insights.json")},
    )
