"""SubRip (.srt): 1-based numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each.

SRT has no escaping; the only text that would break a parser is a blank line (impossible: cue
text has no line breaks but the wrap) or the arrow `-->`, written as `->`.
"""

from __future__ import annotations

from video_transcriber.domain import Transcript
from video_transcriber.formats.cues import build_cues
from video_transcriber.formats.timecode import timestamp
from video_transcriber.insights.model import Insights


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """The SRT file; empty string when no segment has text."""
    blocks = []
    for number, cue in enumerate(build_cues(transcript.segments), start=1):
        start = timestamp(cue.start_ms, separator=",")
        end = timestamp(cue.end_ms, separator=",")
        lines = list(cue.lines)
        if cue.new_speaker and cue.speaker:
            lines[0] = f"{cue.speaker}: {lines[0]}"
        text = "\n".join(line.replace("-->", "->") for line in lines)
        blocks.append(f"{number}\n{start} --> {end}\n{text}\n")
    return "\n".join(blocks)
