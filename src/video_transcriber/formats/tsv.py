"""Tab-separated values like Whisper's `.tsv`: `start`, `end` in integer milliseconds, `text`.

Unlike Whisper, which replaces tabs with spaces, text is escaped reversibly: backslash,
tab, newline and carriage return become `\\\\`, `\\t`, `\\n`, `\\r`, so every row has exactly
three fields and `parse_tsv` gives the text back.
"""

from __future__ import annotations

from video_transcriber.domain import Transcript
from video_transcriber.formats.timecode import to_milliseconds
from video_transcriber.insights.model import Insights

HEADER = "start\tend\ttext"
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def escape_field(text: str) -> str:
    """Backslash-escape the characters that would break a TSV row."""
    return "".join(_ESCAPES.get(character, character) for character in text)


def unescape_field(text: str) -> str:
    """The inverse of `escape_field`."""
    out: list[str] = []
    characters = iter(text)
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            out.append(_UNESCAPES.get(following, "\\" + following))
        else:
            out.append(character)
    return "".join(out)


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """Header plus one row per segment with text."""
    rows = [HEADER]
    for segment in transcript.segments:
        text = segment.text.strip()
        if text:
            start = to_milliseconds(segment.start)
            end = max(to_milliseconds(segment.end), start)
            rows.append(f"{start}\t{end}\t{escape_field(text)}")
    return "\n".join(rows) + "\n"


def parse_tsv(text: str) -> list[tuple[int, int, str]]:
    """(start_ms, end_ms, text) rows of a TSV written by `render`."""
    # split on "\n" only: str.splitlines() would also split on \u2028 inside a text field
    lines = text.removesuffix("\n").split("\n")
    if not lines or lines[0] != HEADER:
        raise ValueError(f"not a transcript TSV: the first line must be {HEADER!r}")
    rows = []
    for line in lines[1:]:
        start, end, field = line.split("\t")
        rows.append((int(start), int(end), unescape_field(field)))
    return rows
