"""Standalone HTML page: offline, well-formed, escaped, clickable, searchable, highlighted."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from video_transcriber.domain import Transcript
from video_transcriber.formats import render
from video_transcriber.formats.html_assets import JS
from video_transcriber.insights import Insights, analyze

VOID = {"meta", "input", "br", "img", "link", "source", "hr"}


class Page(HTMLParser):
    """Collects elements and checks that every non-void tag is closed in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[tuple[str, str]] = []
        self._mark_class: str | None = None
        self._mark_text: list[str] = []
        self.feed(text)
        self.close()
        assert self.stack == [], f"unclosed tags: {self.stack}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "mark":
            self._mark_class, self._mark_text = dict(attrs).get("class") or "", []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag == "mark" and self._mark_class is not None:
            self.marks.append((self._mark_class, "".join(self._mark_text)))
            self._mark_class = None

    def handle_data(self, data: str) -> None:
        if self._mark_class is not None:
            self._mark_text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def test_page_is_standalone_and_offline(lecture: Transcript, lecture_insights: Insights) -> None:
    text = render(lecture, "html", insights=lecture_insights, title="Week 3")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", text)
    assert "<link" not in text and "@import" not in text and "url(" not in text
    page = Page(text)
    assert all("src" not in attrs for tag, attrs in page.elements if tag == "script")
    assert len(page.find("script")) == 1 and len(page.find("style")) == 1
    assert page.find("meta", charset="utf-8")
    assert page.find("input", id="q") and page.find("button", id="next")


def test_segments_have_clickable_timestamps(lecture: Transcript) -> None:
    page = Page(render(lecture, "html"))
    segments = page.find("p", class_="seg")
    assert len(segments) == len(lecture.segments)
    for index, (attrs, segment) in enumerate(zip(segments, lecture.segments, strict=True)):
        assert attrs["id"] == f"s{index}"
        assert attrs["data-start"] == f"{segment.start:.3f}"
        assert page.find(
            "a", class_="ts", href=f"#s{index}", **{"data-start": f"{segment.start:.3f}"}
        )
    assert not page.find("audio") and not page.find("video")


@pytest.mark.parametrize(
    ("url", "tag"), [("lecture.mp4", "video"), ("media/talk.MP3", "audio"), ("x.webm?x=1", "video")]
)
def test_media_element_when_a_url_is_given(lecture: Transcript, url: str, tag: str) -> None:
    page = Page(render(lecture, "html", media_url=url))
    assert page.find(tag, id="media", src=url)


def test_media_url_is_escaped_and_unsafe_schemes_refused(lecture: Transcript) -> None:
    text = render(lecture, "html", media_url='a"><script>x</script>.mp3')
    assert '"><script>x' not in text
    with pytest.raises(ValueError, match="scheme"):
        render(lecture, "html", media_url="javascript:alert(1)")


def test_hostile_text_is_escaped_everywhere(hostile: Transcript) -> None:
    insights = analyze(
        hostile.segments, keywords=["<script>", "bold"], emphasis_phrases=["alert"], duration=4
    )
    text = render(hostile, "html", insights=insights, title="<script>alert(3)</script>")
    assert text.count("<script") == 1  # only the page's own script
    assert "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<title>&lt;script&gt;alert(3)&lt;/script&gt;</title>" in text
    Page(text)


def test_insights_are_highlighted_and_listed(
    lecture: Transcript, lecture_insights: Insights
) -> None:
    text = render(lecture, "html", insights=lecture_insights)
    page = Page(text)
    marks = page.marks
    assert ("kw", "learning rate") in marks
    assert ("kw", "gradient descent") in marks
    assert ("q", "What happens if the rate is too large?") in marks
    # the emphasised sentence spans two segments: both halves are marked
    assert ("em", "Remember, this will be on the") in marks
    assert ("kw em", "exam") in marks
    assert "Questions (1)" in text and "Emphasis (1)" in text
    assert "never said (0): not mentioned" in text
    assert page.find("a", class_="ts", href="#s2", **{"data-start": "12.250"})


def test_empty_transcript_page(empty: Transcript) -> None:
    text = render(empty, "html")
    Page(text)
    assert "No speech was transcribed." in text


def test_script_never_parses_html_and_cannot_close_its_tag() -> None:
    assert "innerHTML" not in JS and "</" not in JS


def test_script_is_valid_javascript(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "Node.js is not installed; run scripts/system-deps.sh (the syntax check needs it)"
        )
    script = tmp_path / "page.js"
    script.write_text(JS, encoding="utf-8")
    result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_repeated_questions_link_to_their_own_segments() -> None:
    from video_transcriber.domain import Segment

    transcript = Transcript(
        [Segment(1.0, 2.0, "Any questions?"), Segment(50.0, 51.0, "Any questions?")], "en", 60.0
    )
    page = Page(render(transcript, "html"))
    links = [a["href"] for a in page.find("a", class_="ts") if a["href"] in ("#s0", "#s1")]
    assert links[:2] == ["#s0", "#s1"]  # the Questions list, before the transcript's own links
