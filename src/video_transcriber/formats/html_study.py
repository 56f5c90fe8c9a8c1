"""The study guide in the standalone HTML page: a chapter bar under the player, and chapter,
key-sentence and key-term sections beside the transcript.

Every entry is an `<a data-start=…>` link to its segment, so the page's script seeks the
player on click and the link still jumps to the text without JavaScript. Chapter widths in
the bar are their share of the recording. All text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from video_transcriber.formats.timecode import clock

CSS = """
nav.chapters { display: flex; gap: 2px; margin: .5rem 0; }
nav.chapters a { flex: 1 1 0; min-width: 0; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; padding: .25rem .4rem; font-size: .8rem; text-decoration: none;
  background: var(--chip, #e8eef7); color: inherit; border-radius: 3px; }
nav.chapters a:hover { text-decoration: underline; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def chapter_bar(study: Mapping[str, Any] | None, segment_for: Callable[[float], int]) -> str:
    """`<nav class="chapters">`: one link per chapter, as wide as its share of the recording."""
    chapters = list(study.get("chapters", ())) if study else []
    if not chapters:
        return ""
    total = max(float(chapters[-1]["end"]), 1e-6)
    links = []
    for chapter in chapters:
        start, share = float(chapter["start"]), (chapter["end"] - chapter["start"]) / total
        links.append(
            f'<a href="#s{segment_for(start)}" data-start="{start:.3f}" '
            f'style="flex-grow: {max(share, 0.01):.4f}" title="{_e(chapter["title"])}">'
            f"{clock(start)} {_e(chapter['title'])}</a>"
        )
    return '<nav class="chapters" aria-label="Chapters">' + "".join(links) + "</nav>"


def study_sections(study: Mapping[str, Any] | None, link: Callable[[float], str]) -> list[str]:
    """Chapters (with summaries), key sentences and key terms, each item linked to its moment."""
    if not study:
        return []
    parts = [f"<section><h2>Chapters ({len(study.get('chapters', ()))})</h2>", "<ol>"]
    for chapter in study.get("chapters", ()):
        summary = " ".join(chapter.get("summary", ()))
        parts.append(
            f"<li>{link(float(chapter['start']))} <strong>{_e(chapter['title'])}</strong>"
            f'<br><span class="summary">{_e(summary)}</span></li>'
        )
    parts += ["</ol>", "</section>"]
    key = list(study.get("key_sentences", ()))
    parts += [f"<section><h2>Key sentences ({len(key)})</h2>", "<ol>"]
    parts += [f"<li>{link(float(k['start']))} {_e(k['text'])}</li>" for k in key]
    parts += ["</ol>", "</section>"]
    terms = list(study.get("key_terms", ()))
    parts += [f"<section><h2>Key terms ({len(terms)})</h2>", "<ul>"]
    for term in terms:
        how = "explained" if term["how"] == "definition" else "first said"
        parts.append(
            f"<li><strong>{_e(term['term'])}</strong> ({int(term['mentions'])}&times;), {how} "
            f"{link(float(term['explained_at']))}: {_e(term['sentence'])}</li>"
        )
    parts += ["</ul>", "</section>"]
    return parts
