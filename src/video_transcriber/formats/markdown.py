"""Markdown study sheet: title, totals, chapters, key sentences and terms (when the study tools
made a guide), questions, emphasis cues, keyword mentions, transcript.

Every item carries a `[HH:MM:SS]` timestamp. Transcript text is backslash-escaped so nothing in
what was said (`*`, `_`, `#`, `<`, `[`…) turns into formatting, links or raw HTML; keyword
mentions are bolded inside their sentence.
"""

from __future__ import annotations

import re

from video_transcriber.domain import Transcript
from video_transcriber.formats.chapters import markdown_sections
from video_transcriber.formats.common import insights_or_basic, percent
from video_transcriber.formats.timecode import clock
from video_transcriber.insights import phrase_pattern
from video_transcriber.insights.model import Insights, KeywordSummary
from video_transcriber.insights.stream import clean_text

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~{}&])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown's active characters in one line of plain text."""
    return _escape(clean_text(text))


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """The study sheet as CommonMark."""
    found = insights_or_basic(transcript, insights)
    lines = [f"# {md_escape(title) or 'Transcript'}", ""]
    lines += _totals(transcript, found)
    lines += markdown_sections(dict(found.study) if found.study else None, md_escape)
    lines += _questions(found)
    lines += _emphasis(found)
    lines += _keywords(found)
    lines += _transcript(transcript)
    return "\n".join(lines).rstrip("\n") + "\n"


def _totals(transcript: Transcript, found: Insights) -> list[str]:
    totals = found.totals
    share = percent(totals.speech_share)
    lines = [
        f"- **Duration:** {clock(transcript.duration)}",
        f"- **Speech:** {clock(totals.speech_seconds)} ({share} of the recording)",
        f"- **Words:** {totals.words:,} ({totals.words_per_minute:.0f} per minute of speech)",
    ]
    if transcript.language:
        lines.append(f"- **Language:** {md_escape(transcript.language)}")
    if transcript.model:
        lines.append(f"- **Model:** {md_escape(transcript.model)}")
    if found.speakers:
        talk = ", ".join(f"{md_escape(t.speaker)} {percent(t.share)}" for t in found.speakers)
        lines.append(f"- **Talk time:** {talk}")
    return [*lines, ""]


def _questions(found: Insights) -> list[str]:
    lines = [f"## Questions ({len(found.questions)})", ""]
    for question in found.questions:
        note = " *(question mark missing in the transcript)*" if question.inferred else ""
        if question.audience and question.speaker:
            note += f" *(audience question: {md_escape(question.speaker)})*"
        lines.append(f"- [{clock(question.start)}] {md_escape(question.text)}{note}")
    if not found.questions:
        lines.append("None found.")
    return [*lines, ""]


def _emphasis(found: Insights) -> list[str]:
    lines = [f"## Emphasis ({len(found.emphasis)})", ""]
    for cue in found.emphasis:
        phrase = md_escape(cue.phrase)
        lines.append(f"- [{clock(cue.start)}] **{phrase}** — {md_escape(cue.text)}")
    if not found.emphasis:
        lines.append("None found.")
    return [*lines, ""]


def _keywords(found: Insights) -> list[str]:
    lines = ["## Keywords", ""]
    if not found.keywords:
        return [*lines, "No keywords were given.", ""]
    for summary in found.keywords:
        lines += _keyword(summary)
    return lines


def _keyword(summary: KeywordSummary) -> list[str]:
    heading = f"### {md_escape(summary.keyword)}"
    if not summary.count:
        return [f"{heading} — not mentioned", ""]
    plural = "" if summary.count == 1 else "s"
    lines = [f"{heading} — {summary.count} mention{plural}", ""]
    pattern = phrase_pattern(summary.keyword)
    for mention in summary.mentions:
        lines.append(f"- [{clock(mention.start)}] {_bold(mention.sentence, pattern)}")
    return [*lines, ""]


def _bold(sentence: str, pattern: re.Pattern[str] | None) -> str:
    text = clean_text(sentence)
    if pattern is None:
        return md_escape(text)
    pieces, cursor = [], 0
    for match in pattern.finditer(text):
        pieces.append(_escape(text[cursor : match.start()]))
        pieces.append(f"**{_escape(match.group())}**")
        cursor = match.end()
    pieces.append(_escape(text[cursor:]))
    return "".join(pieces)


def _transcript(transcript: Transcript) -> list[str]:
    lines = ["## Transcript", ""]
    speaker: str | None = None
    for segment in transcript.segments:
        text = md_escape(segment.text)
        if text and segment.speaker is not None and segment.speaker != speaker:
            speaker = segment.speaker
            text = f"**{md_escape(speaker)}:** {text}"
        if text:
            lines += [f"[{clock(segment.start)}] {text}", ""]
    if len(lines) == 2:
        lines.append("*No speech was transcribed.*")
    return lines
