"""Full-text search over every transcript the caller may see: `GET /api/search?q=`.

Hits are segments of the caller's completed jobs, best first (bm25 on SQLite, ts_rank on
PostgreSQL), each with the job, the segment's time span, links to that moment and an HTML
snippet with the matches in `<mark>`. Any text is a valid query: it is reduced to words and
quoted phrases before it reaches the database (`store.search_index.search_terms`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from video_transcriber.api.deps import InsightsDep, OwnerDep
from video_transcriber.api.insight_schemas import SearchHitPublic, SearchResults

router = APIRouter(tags=["search"])


@router.get("/api/search", response_model=SearchResults)
def search(
    insights: InsightsDep,
    owner: OwnerDep,
    q: Annotated[
        str,
        Query(
            max_length=500,
            description='Words (all must match) and "quoted phrases"; word forms are matched '
            "(stemming), case does not matter.",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SearchResults:
    """Search your transcripts; hits are segments, best first, with highlighted snippets."""
    page = insights.index.search(q, owner=owner, limit=limit, offset=offset)
    return SearchResults(
        query=q,
        terms=page.terms,
        total=page.total,
        limit=limit,
        offset=offset,
        hits=[SearchHitPublic.of(hit) for hit in page.hits],
    )
