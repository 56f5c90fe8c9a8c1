"""Chapters as a WebVTT chapters track, a YouTube-style `0:00 Title` list, and Markdown sections
for the study sheet (chapters, key sentences, key terms).

All of it reads the study guide that the job service attaches to the insights
(`Insights.study`); a transcript without one has a single chapter, the whole recording, so a
player given the track always has something to show. The track is what
`<track kind="chapters">` expects: `WEBVTT`, then one cue per chapter whose text is the title
(entities escaped), cues in order and not overlapping, the first at 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from video_transcriber.domain import Transcript
from video_transcriber.formats.timecode import clock, timestamp, to_milliseconds
from video_transcriber.formats.vtt import escape_cue_text
from video_transcriber.insights.model import Insights


def chapters_of(transcript: Transcript, insights: Insights | None) -> list[dict[str, Any]]:
    """The guide's chapters, or one chapter spanning the recording when there is no guide."""
    study = insights.study if insights is not None else None
    found = list(study.get("chapters", ())) if study else []
    if found:
        return found
    end = max([transcript.duration, *(s.end for s in transcript.segments)])
    return [{"start": 0.0, "end": end, "title": "Full recording", "summary": []}]


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """The WebVTT chapters track."""
    blocks = ["WEBVTT\n"]
    for number, chapter in enumerate(chapters_of(transcript, insights), start=1):
        start = timestamp(to_milliseconds(float(chapter["start"])), separator=".")
        end_ms = max(to_milliseconds(float(chapter["end"])), to_milliseconds(chapter["start"]) + 1)
        end = timestamp(end_ms, separator=".")
        name = " ".join(str(chapter["title"]).split()) or f"Chapter {number}"
        blocks.append(f"{start} --> {end}\n{escape_cue_text(name)}\n")
    return "\n".join(blocks)


def youtube_time(seconds: float) -> str:
    """0:00, 4:05, 1:02:03: how YouTube chapter lists write a start."""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def youtube_list(chapters: Sequence[dict[str, Any]]) -> str:
    """`0:00 Title` lines, one per chapter, ready to paste into a video description."""
    return "\n".join(f"{youtube_time(float(c['start']))} {c['title']}" for c in chapters)


def markdown_sections(study: dict[str, Any] | None, escape: Any) -> list[str]:
    """Chapters (with the YouTube list), key sentences and key terms as Markdown lines."""
    if not study:
        return []
    chapters = list(study.get("chapters", ()))
    lines = [f"## Chapters ({len(chapters)})", ""]
    for chapter in chapters:
        lines.append(f"### [{clock(chapter['start'])}] {escape(chapter['title'])}")
        lines += ["", *(f"> {escape(sentence)}" for sentence in chapter.get("summary", ())), ""]
    if chapters:
        lines += ["As a YouTube chapter list:", "", "```", youtube_list(chapters), "```", ""]
    key = list(study.get("key_sentences", ()))
    lines += [f"## Key sentences ({len(key)})", ""]
    lines += [f"- [{clock(item['start'])}] {escape(item['text'])}" for item in key]
    terms = list(study.get("key_terms", ()))
    lines += ["", f"## Key terms ({len(terms)})", ""]
    for term in terms:
        how = "explained" if term["how"] == "definition" else "first said"
        lines.append(
            f"- **{escape(term['term'])}** ({term['mentions']}x) — {how} at "
            f"[{clock(term['explained_at'])}]: {escape(term['sentence'])}"
        )
    return [*lines, ""]
