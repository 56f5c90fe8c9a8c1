"""Transcript writers: txt, srt, vtt, json, tsv, md, html, chapters (a WebVTT chapters track) —
pure functions from data to text.

`render(transcript, fmt, ...)` picks the writer by name; `FORMATS` maps each name to its
`render` function (all share one signature, `common.Renderer`), and `CONTENT_TYPES` /
`EXTENSIONS` give what an HTTP response or a file on disk needs. Writers that have no use for
`insights`, `title` or `media_url` ignore them.
"""

from __future__ import annotations

from types import MappingProxyType

from video_transcriber.domain import Transcript
from video_transcriber.formats import chapters, html_page, json_doc, markdown, srt, tsv, txt, vtt
from video_transcriber.formats.common import Renderer
from video_transcriber.formats.json_doc import parse_json, parse_json_insights
from video_transcriber.formats.tsv import parse_tsv
from video_transcriber.insights.model import Insights

__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "FORMATS",
    "STUDY_FORMATS",
    "Renderer",
    "parse_json",
    "parse_json_insights",
    "parse_tsv",
    "render",
]

STUDY_FORMATS = frozenset({"json", "md", "html", "chapters"})
"""Formats that carry the lecture's insights (questions, emphasis, keywords, chapters)."""

FORMATS: MappingProxyType[str, Renderer] = MappingProxyType(
    {
        "txt": txt.render,
        "srt": srt.render,
        "vtt": vtt.render,
        "json": json_doc.render,
        "tsv": tsv.render,
        "md": markdown.render,
        "html": html_page.render,
        "chapters": chapters.render,
    }
)
"""Format name -> writer."""

CONTENT_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "txt": "text/plain; charset=utf-8",
        "srt": "application/x-subrip; charset=utf-8",
        "vtt": "text/vtt; charset=utf-8",
        "json": "application/json",
        "tsv": "text/tab-separated-values; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "html": "text/html; charset=utf-8",
        "chapters": "text/vtt; charset=utf-8",
    }
)
"""Format name -> HTTP Content-Type."""

EXTENSIONS: MappingProxyType[str, str] = MappingProxyType(
    {**{name: f".{name}" for name in FORMATS}, "chapters": ".chapters.vtt"}
)
"""Format name -> file extension (each format's name is its extension; chapters are a VTT)."""


def render(
    transcript: Transcript,
    fmt: str,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """`transcript` written as `fmt` (case-insensitive, a leading dot allowed: ".SRT")."""
    name = fmt.strip().lower().removeprefix(".")
    writer = FORMATS.get(name)
    if writer is None:
        supported = ", ".join(FORMATS)
        raise ValueError(f"Unknown transcript format {fmt!r}; supported formats: {supported}.")
    return writer(transcript, insights=insights, title=title, media_url=media_url)
