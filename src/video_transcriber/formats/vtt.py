"""WebVTT (.vtt): `WEBVTT` header, `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues, text escaped.

Cue text is HTML-like in WebVTT, so `&`, `<` and `>` are written as entities; that also keeps a
literal `-->` from ending the timing line early.
"""

from __future__ import annotations

from video_transcriber.domain import Transcript
from video_transcriber.formats.cues import build_cues
from video_transcriber.formats.timecode import timestamp
from video_transcriber.insights.model import Insights


def escape_cue_text(text: str) -> str:
    """Escape the three characters WebVTT cue text reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def voice_name(speaker: str) -> str:
    """A speaker's name as a `<v>` tag annotation: no `>` or line breaks, entities escaped."""
    return escape_cue_text(" ".join(speaker.split()))


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """The WebVTT file; just the header when no segment has text."""
    blocks = ["WEBVTT\n"]
    for cue in build_cues(transcript.segments):
        start = timestamp(cue.start_ms, separator=".")
        end = timestamp(cue.end_ms, separator=".")
        text = "\n".join(escape_cue_text(line) for line in cue.lines)
        if cue.speaker:
            text = f"<v {voice_name(cue.speaker)}>{text}"
        blocks.append(f"{start} --> {end}\n{text}\n")
    return "\n".join(blocks)
