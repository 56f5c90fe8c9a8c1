"""Live progress of a job as Server-Sent Events: stage, percent, chunks, ETA, new segments, and
the final status, after which the stream ends.

The stream starts with the job's current state from the store, including the segments of every
chunk already checkpointed (so a page opened mid-job shows what is done), then relays the event
bus. Each chunk's segments are sent once per stream. If no event comes for a while (or events were
dropped for a slow reader), it re-reads the job, so a stream always ends once the job does, even if
it missed the bus's final event.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from video_transcriber.api.deps import BusDep, ReaderDep, StoreDep
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.domain import JobStatus
from video_transcriber.errors import JobNotFoundError
from video_transcriber.jobs.events import EventBus, JobEvent
from video_transcriber.jobs.manager import status_event
from video_transcriber.jobs.tracking import progress_dict, segments_event
from video_transcriber.store.job import Job
from video_transcriber.store.job_store import JobStore

RECHECK_SECONDS = 5.0
"""Without events for this long, the stream re-reads the job from the store."""
PING_SECONDS = 15

router = APIRouter(tags=["jobs"])


@router.get(
    "/api/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "A stream of job events."},
        404: {"model": ErrorBody},
    },
)
async def job_events(
    job_id: uuid.UUID, store: StoreDep, bus: BusDep, owner: ReaderDep
) -> EventSourceResponse:
    """Events: `status`, `progress`, `segments`; the stream ends after a final status."""
    job = await run_in_threadpool(store.get, str(job_id), owner=owner)
    return EventSourceResponse(_stream(job.id, store, bus), ping=PING_SECONDS)


def _sse(event: JobEvent) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(event.data), event=event.kind)


def _is_final(event: JobEvent) -> bool:
    return event.kind == "status" and JobStatus(event.data["status"]).is_final


async def _stream(job_id: str, store: JobStore, bus: EventBus) -> AsyncIterator[ServerSentEvent]:
    sent_chunks: set[int] = set()
    with bus.subscribe(job_id) as queue:
        job: Job | None = await _reload(store, job_id)
        while job is not None:
            snapshot = status_event(job)
            yield _sse(snapshot)
            if _is_final(snapshot):
                return
            for stored in await _stored_chunks(store, job_id, sent_chunks):
                yield _sse(stored)
            last_progress: dict[str, Any] | None = progress_dict(job.progress)
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=RECHECK_SECONDS)
                except TimeoutError:
                    job = await _reload(store, job_id)
                    if job is None or job.status.is_final:
                        break
                    if job.progress.chunks_done > len(sent_chunks):  # some were missed
                        for stored in await _stored_chunks(store, job_id, sent_chunks):
                            yield _sse(stored)
                    if progress_dict(job.progress) != last_progress:
                        last_progress = progress_dict(job.progress)
                        yield ServerSentEvent(data=json.dumps(last_progress), event="progress")
                    continue
                if event.kind == "segments":
                    if event.data["chunk_index"] in sent_chunks:
                        continue
                    sent_chunks.add(event.data["chunk_index"])
                yield _sse(event)
                if _is_final(event):
                    return
        yield ServerSentEvent(data=json.dumps({"status": "deleted"}), event="status")


async def _stored_chunks(store: JobStore, job_id: str, sent: set[int]) -> list[JobEvent]:
    """`segments` events for the checkpointed chunks this stream has not sent yet (marked sent)."""
    results = await run_in_threadpool(store.chunk_results, job_id)
    fresh = [results[index] for index in sorted(results) if index not in sent]
    sent.update(result.chunk_index for result in fresh)
    return [segments_event(job_id, result) for result in fresh]


async def _reload(store: JobStore, job_id: str) -> Job | None:
    try:
        return await run_in_threadpool(store.get, job_id)
    except JobNotFoundError:
        return None
