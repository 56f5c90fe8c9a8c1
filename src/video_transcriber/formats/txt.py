"""Plain text: the transcript as readable paragraphs, no timestamps.

Segments are joined with spaces into paragraphs; a new paragraph starts after a pause of
`PARAGRAPH_PAUSE_SECONDS`, or once a paragraph has passed `PARAGRAPH_CHARS` and the previous
segment ended a sentence — one line per segment would break sentences in the middle.
"""

from __future__ import annotations

from video_transcriber.domain import Transcript
from video_transcriber.insights.model import Insights
from video_transcriber.insights.stream import clean_text

PARAGRAPH_PAUSE_SECONDS = 2.0
PARAGRAPH_CHARS = 600


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """Paragraphs separated by blank lines; empty string for an empty transcript."""
    paragraphs: list[list[str]] = []
    length = 0
    previous_end: float | None = None
    speaker: str | None = None
    for segment in transcript.segments:
        text = clean_text(segment.text)
        if not text:
            continue
        changed = segment.speaker is not None and segment.speaker != speaker
        if changed:
            text = f"{segment.speaker}: {text}"
            speaker = segment.speaker
        if (
            paragraphs
            and not changed
            and not _new_paragraph(paragraphs[-1], length, previous_end, segment.start)
        ):
            paragraphs[-1].append(text)
            length += len(text) + 1
        else:
            paragraphs.append([text])
            length = len(text)
        previous_end = segment.end
    body = "\n\n".join(" ".join(parts) for parts in paragraphs)
    if title.strip():
        body = f"{clean_text(title)}\n\n{body}" if body else clean_text(title)
    return f"{body}\n" if body else ""


def _new_paragraph(
    current: list[str], length: int, previous_end: float | None, start: float
) -> bool:
    if previous_end is not None and start - previous_end >= PARAGRAPH_PAUSE_SECONDS:
        return True
    return length >= PARAGRAPH_CHARS and current[-1].endswith((".", "!", "?", "\u2026"))
