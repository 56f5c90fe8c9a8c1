"""One standalone HTML page: transcript with clickable timestamps, search, and the study insights
(with a study guide: a chapter bar and chapter, key-sentence and key-term lists, `html_study`).

Works offline from a single file: CSS and JS are inline (`html_assets`), nothing is fetched, and
a Content-Security-Policy forbids fetching anything but the optional media file. Every piece of
text — title, segments, keywords, sentences, the media URL — goes through `html.escape`, so a
segment saying `<script>alert(1)</script>` is shown, not run. Each segment is
`<p class="seg" id="sN" data-start=… data-end=…>`; each timestamp is an `<a class="ts"
href="#sN" data-start=…>` that works as a plain link without JavaScript.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Iterable
from urllib.parse import urlsplit

from video_transcriber.domain import Transcript
from video_transcriber.formats.common import insights_or_basic, percent
from video_transcriber.formats.highlight import Mark, MarkedSegment, css_classes, mark_segments
from video_transcriber.formats.html_assets import CSS, JS
from video_transcriber.formats.html_study import CSS as STUDY_CSS
from video_transcriber.formats.html_study import chapter_bar, study_sections
from video_transcriber.formats.timecode import clock
from video_transcriber.insights import TextStream
from video_transcriber.insights.model import Insights, KeywordSummary
from video_transcriber.insights.stream import SegmentRange

VIDEO_EXTENSIONS = frozenset({"mp4", "m4v", "webm", "mov", "mkv", "ogv"})
_SAFE_SCHEMES = frozenset({"", "http", "https", "file", "blob"})
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; media-src * data: blob: file:"
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render(
    transcript: Transcript,
    *,
    insights: Insights | None = None,
    title: str = "",
    media_url: str | None = None,
) -> str:
    """The page as one string; raises ValueError for a media URL with an unsafe scheme."""
    found = insights_or_basic(transcript, insights)
    stream = TextStream(transcript.segments)
    heading = " ".join(title.split()) or "Transcript"
    lang = f' lang="{_e(transcript.language)}"' if transcript.language else ""
    parts = [
        f'<!DOCTYPE html>\n<html{lang}>\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">',
        f"<title>{_e(heading)}</title>\n<style>{CSS}{STUDY_CSS}</style>\n</head>\n<body>",
        _header(transcript, found, heading, media_url),
        chapter_bar(found.study, lambda start: _segment_for(stream, start)),
        "<main>",
        _aside(found, stream),
        _article(transcript, mark_segments(stream, found)),
        "</main>",
        f"<script>{JS}</script>\n</body>\n</html>\n",
    ]
    return "\n".join(parts)


def _header(transcript: Transcript, found: Insights, heading: str, media_url: str | None) -> str:
    totals = found.totals
    facts = [
        f"{clock(transcript.duration)} long",
        f"{clock(totals.speech_seconds)} of speech ({percent(totals.speech_share)})",
        f"{totals.words:,} words",
        f"{totals.words_per_minute:.0f} words per minute",
    ]
    if transcript.language:
        facts.append(f"language {transcript.language}")
    facts += [f"{t.speaker} {percent(t.share)} of the talk" for t in found.speakers]
    return "\n".join(
        [
            "<header>",
            f"<h1>{_e(heading)}</h1>",
            f'<p class="totals">{_e(" · ".join(facts))}</p>',
            _media(media_url),
            '<div class="search" role="search">',
            '<input id="q" type="search" placeholder="Search the transcript (/)"'
            ' aria-label="Search the transcript" autocomplete="off">',
            '<button id="prev" type="button" aria-label="Previous match">&uarr;</button>',
            '<button id="next" type="button" aria-label="Next match">&darr;</button>',
            '<span id="count" aria-live="polite"></span>',
            "</div>",
            "</header>",
        ]
    )


def _media(media_url: str | None) -> str:
    if not media_url:
        return ""
    if urlsplit(media_url).scheme.lower() not in _SAFE_SCHEMES:
        raise ValueError(
            f"media_url {media_url!r} has an unsupported scheme; use a relative path or an "
            "http(s), file or blob URL"
        )
    extension = urlsplit(media_url).path.rsplit(".", 1)[-1].lower()
    tag = "video" if extension in VIDEO_EXTENSIONS else "audio"
    return f'<{tag} id="media" controls preload="metadata" src="{_e(media_url)}"></{tag}>'


def _link(start: float, segment_index: int) -> str:
    return f'<a class="ts" href="#s{segment_index}" data-start="{start:.3f}">{clock(start)}</a>'


def _aside(found: Insights, stream: TextStream) -> str:
    parts = ['<aside class="insights">', _legend()]
    parts += study_sections(found.study, lambda t: _link(t, _segment_for(stream, t)))
    parts += _section(
        f"Questions ({len(found.questions)})",
        (
            f"{_link(q.start, _segment_for(stream, q.start))} {_e(q.text)}"
            + (' <span class="none">(no "?" in the transcript)</span>' if q.inferred else "")
            + (
                f' <span class="who">(audience question: {_e(q.speaker)})</span>'
                if q.audience and q.speaker
                else ""
            )
            for q in found.questions
        ),
    )
    parts += _section(
        f"Emphasis ({len(found.emphasis)})",
        (
            f"{_link(c.start, _segment_for(stream, c.start))} <strong>{_e(c.phrase)}</strong>: "
            f"{_e(c.text)}"
            for c in found.emphasis
        ),
    )
    parts.append("<section><h2>Keywords</h2>")
    if not found.keywords:
        parts.append('<p class="none">No keywords were given.</p>')
    parts += [_keyword(summary) for summary in found.keywords]
    parts += ["</section>", "</aside>"]
    return "\n".join(parts)


def _legend() -> str:
    return (
        '<p class="legend"><mark class="kw">keyword</mark> <mark class="q">question</mark> '
        '<mark class="em">emphasis</mark></p>'
    )


def _section(heading: str, items: Iterable[str]) -> list[str]:
    rendered = [f"<li>{item}</li>" for item in items]
    body = f"<ol>\n{chr(10).join(rendered)}\n</ol>" if rendered else '<p class="none">None.</p>'
    return [f"<section><h2>{_e(heading)}</h2>", body, "</section>"]


def _keyword(summary: KeywordSummary) -> str:
    label = f"{_e(summary.keyword)} ({summary.count})"
    if not summary.count:
        return f'<p class="none">{label}: not mentioned</p>'
    items = "\n".join(
        f"<li>{_link(m.start, m.segment_index)} {_e(m.sentence)}</li>" for m in summary.mentions
    )
    return f"<details open><summary>{label}</summary>\n<ul>\n{items}\n</ul>\n</details>"


def _segment_for(stream: TextStream, start: float) -> int:
    """The segment a sentence starting at `start` begins in (the last to start by then)."""

    def began(r: SegmentRange) -> float:
        return stream.segments[r.index].start

    position = bisect.bisect_right(stream.ranges, start + 1e-6, key=began) - 1
    return stream.ranges[max(position, 0)].index if stream.ranges else 0


def _article(transcript: Transcript, marked: list[MarkedSegment]) -> str:
    parts = ['<article id="transcript">']
    speaker: str | None = None
    for item in marked:
        segment = transcript.segments[item.index]
        text = "".join(_run(text, mark) for text, mark in item.runs)
        who = ""
        if segment.speaker is not None:
            who = f' data-speaker="{_e(segment.speaker)}"'
            if segment.speaker != speaker:
                text = f'<span class="who">{_e(segment.speaker)}:</span> {text}'
            speaker = segment.speaker
        parts.append(
            f'<p class="seg" id="s{item.index}" data-start="{segment.start:.3f}" '
            f'data-end="{segment.end:.3f}"{who}>{_link(segment.start, item.index)}'
            f'<span class="tx">{text}</span></p>'
        )
    if not marked:
        parts.append('<p class="none">No speech was transcribed.</p>')
    parts.append("</article>")
    return "\n".join(parts)


def _run(text: str, mark: Mark) -> str:
    if not mark:
        return _e(text)
    return f'<mark class="{css_classes(mark)}">{_e(text)}</mark>'
