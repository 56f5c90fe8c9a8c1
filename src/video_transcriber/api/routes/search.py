"""Search over every transcript the caller may see: `GET /api/search?q=&mode=`.

`mode=keyword`: segments of the caller's completed jobs matching every word, best first (bm25
on SQLite, ts_rank on PostgreSQL), with the matches in `<mark>`. Any text is a valid query: it
is reduced to words and quoted phrases before it reaches the database
(`store.search_index.search_terms`). `mode=semantic`: passages nearest in meaning to the query
(sentence embeddings, `jobs.job_study`), so a question asked in other words finds its moment.
`mode=hybrid` (the default): both lists fused by reciprocal rank. Every hit has the job, the
moment's time span, links to it and an HTML snippet; only the caller's sessions are searched.
With the study tools off (`VT_STUDY__ENABLED=false`) every mode is keyword search.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from video_transcriber.api.deps import InsightsDep, OwnerDep
from video_transcriber.api.insight_schemas import SearchHitPublic, SearchMode, SearchResults
from video_transcriber.store.search_index import search_terms

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
    mode: Annotated[
        SearchMode,
        Query(description="keyword (all words), semantic (by meaning) or hybrid (both, fused)."),
    ] = "hybrid",
) -> SearchResults:
    """Search your transcripts; hits are moments, best first, with snippets."""
    study = insights.study
    if mode == "keyword" or study is None:
        page = insights.index.search(q, owner=owner, limit=limit, offset=offset)
        hits = [SearchHitPublic.of(hit) for hit in page.hits]
        return SearchResults(
            query=q, mode="keyword", terms=page.terms, total=page.total,
            limit=limit, offset=offset, hits=hits,
        )  # fmt: skip
    found = study.search(q, owner=owner, mode=mode, index=insights.index, limit=offset + limit)
    return SearchResults(
        query=q,
        mode=mode,
        terms=search_terms(q),
        total=len(found),
        limit=limit,
        offset=offset,
        hits=[SearchHitPublic.of(f.hit, f.matched_by) for f in found[offset : offset + limit]],
    )
