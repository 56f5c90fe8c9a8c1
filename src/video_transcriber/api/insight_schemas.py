"""Bodies of the insights, keyword and search endpoints, and links to moments in a recording.

Every timed item (keyword mention, question, emphasis cue, chapter, key sentence, key term,
search hit) carries two links to its
moment: `link`, the web UI's job page at that second (`/jobs/{id}?t=SECONDS`), and `media_url`,
the media itself with a media-fragment (`/api/jobs/{id}/media#t=SECONDS`) for any player.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from video_transcriber.insights import Insights
from video_transcriber.store.keyword_lists import MAX_KEYWORD_CHARS, MAX_KEYWORDS
from video_transcriber.store.search_index import SearchHit


def moment_links(job_id: str, seconds: float) -> dict[str, str]:
    """`link` (web UI) and `media_url` (the media with `#t=`) for one moment of a job."""
    t = f"{max(0.0, seconds):.2f}".rstrip("0").rstrip(".")
    return {"link": f"/jobs/{job_id}?t={t}", "media_url": f"/api/jobs/{job_id}/media#t={t}"}


class KeywordsBody(BaseModel):
    """A list of keywords or phrases, matched case-insensitively as whole words."""

    keywords: list[Annotated[str, Field(max_length=MAX_KEYWORD_CHARS)]] = Field(
        max_length=MAX_KEYWORDS,
        examples=[["entropy", "exam", "machine learning"]],
    )


class KeywordList(BaseModel):
    keywords: list[str] = Field(description="The list after the change, in order.")


class JobKeywords(BaseModel):
    job_keywords: list[str] = Field(description="This job's own keywords.")
    applied_keywords: list[str] = Field(
        description="What the job's insights search for: its own keywords, then the global list."
    )


class Moment(BaseModel):
    start: float
    end: float
    link: str = Field(description="The web UI's page of the job at this moment.")
    media_url: str = Field(description="The job's media with a `#t=` media fragment.")


class KeywordMentionPublic(Moment):
    keyword: str
    sentence: str = Field(description="The sentence the keyword was said in.")
    segment_index: int


class KeywordSummaryPublic(BaseModel):
    keyword: str
    count: int
    mentions: list[KeywordMentionPublic]


class QuestionPublic(Moment):
    text: str
    inferred: bool = Field(description="True when the transcript lacks the question mark.")
    speaker: str | None = Field(default=None, description="Who asked (with speakers).")
    audience: bool = Field(
        default=False, description="Asked by someone other than the main speaker."
    )


class EmphasisPublic(Moment):
    phrase: str = Field(description="The emphasis phrase that marked the sentence.")
    text: str


class TotalsPublic(BaseModel):
    words: int
    duration: float
    speech_seconds: float
    speech_share: float = Field(description="Speech seconds over media duration, 0-1.")
    words_per_minute: float = Field(description="Words per minute of speech.")
    units: str = Field(
        default="words",
        description="`words`, or `characters` for languages written without spaces (zh, ja).",
    )


SearchMode = Literal["keyword", "semantic", "hybrid"]


class ChapterPublic(Moment):
    title: str = Field(description="The chapter's key phrases, joined.")
    summary: list[str] = Field(description="One to three of its most central sentences.")
    key_phrases: list[str]


class KeySentencePublic(Moment):
    text: str
    chapter: int = Field(description="Index of the chapter the sentence is in.")


class KeyTermPublic(BaseModel):
    term: str
    mentions: int
    first_mention: float
    explained_at: float = Field(description="Start of the sentence that explains the term.")
    sentence: str
    how: Literal["definition", "first mention"] = Field(
        description="`definition` when a sentence defines it; else where it is first said."
    )
    link: str
    media_url: str


class StudyPublic(BaseModel):
    """The study guide: chapters that tile the recording, key sentences, key terms."""

    chapters: list[ChapterPublic]
    key_sentences: list[KeySentencePublic]
    key_terms: list[KeyTermPublic]

    @classmethod
    def of(cls, job_id: str, data: dict[str, Any]) -> StudyPublic:
        def timed(item: dict[str, Any], at: str = "start") -> dict[str, Any]:
            return {**item, **moment_links(job_id, float(item[at]))}

        return cls(
            chapters=[ChapterPublic(**timed(c)) for c in data.get("chapters", ())],
            key_sentences=[KeySentencePublic(**timed(k)) for k in data.get("key_sentences", ())],
            key_terms=[
                KeyTermPublic(**timed(t, "explained_at")) for t in data.get("key_terms", ())
            ],
        )


class SpeakerTimePublic(BaseModel):
    speaker: str
    seconds: float = Field(description="Seconds of talk.")
    share: float = Field(description="Share of all talk, 0-1.")
    segments: int


class InsightsPublic(BaseModel):
    """A completed job's study insights."""

    job_id: str
    job_name: str
    job_keywords: list[str]
    applied_keywords: list[str]
    keywords: list[KeywordSummaryPublic]
    questions: list[QuestionPublic]
    emphasis: list[EmphasisPublic]
    totals: TotalsPublic
    study: StudyPublic | None = Field(
        default=None, description="Chapters, key sentences and key terms (null: not built)."
    )
    speakers: list[SpeakerTimePublic] = Field(
        default_factory=list, description="Talk time per speaker, most first (with speakers)."
    )

    @classmethod
    def of(
        cls,
        job_id: str,
        job_name: str,
        found: Insights,
        *,
        job_keywords: list[str],
        applied_keywords: list[str],
    ) -> InsightsPublic:
        data = found.to_dict()

        def timed(item: dict[str, Any]) -> dict[str, Any]:
            return {**item, **moment_links(job_id, float(item["start"]))}

        return cls(
            job_id=job_id,
            job_name=job_name,
            job_keywords=job_keywords,
            applied_keywords=applied_keywords,
            keywords=[
                KeywordSummaryPublic(
                    keyword=k["keyword"],
                    count=k["count"],
                    mentions=[KeywordMentionPublic(**timed(m)) for m in k["mentions"]],
                )
                for k in data["keywords"]
            ],
            questions=[QuestionPublic(**timed(q)) for q in data["questions"]],
            emphasis=[EmphasisPublic(**timed(c)) for c in data["emphasis"]],
            totals=TotalsPublic(**data["totals"]),
            study=StudyPublic.of(job_id, data["study"]) if data.get("study") else None,
            speakers=[SpeakerTimePublic(**t) for t in data["speakers"]],
        )


class SearchHitPublic(Moment):
    job_id: str
    job_name: str
    segment_index: int
    snippet: str = Field(
        description="HTML: the segment's text escaped, matches wrapped in `<mark>`…`</mark>`."
    )
    score: float = Field(description="Relevance; higher is better.")
    matched_by: list[Literal["keyword", "semantic"]] = Field(
        default_factory=lambda: list[Literal["keyword", "semantic"]](["keyword"]),
        description="Which searches found this moment (hybrid mode fuses both).",
    )

    @classmethod
    def of(cls, hit: SearchHit, matched_by: Sequence[str] = ("keyword",)) -> SearchHitPublic:
        return cls(
            matched_by=list(matched_by),  # type: ignore[arg-type]
            job_id=hit.job_id,
            job_name=hit.job_name,
            segment_index=hit.segment_index,
            start=hit.start,
            end=hit.end,
            snippet=hit.snippet,
            score=hit.score,
            **moment_links(hit.job_id, hit.start),
        )


class SearchResults(BaseModel):
    query: str
    mode: SearchMode = "keyword"
    terms: list[str] = Field(description="The words and phrases searched for (all must match).")
    total: int
    limit: int
    offset: int
    hits: list[SearchHitPublic]
