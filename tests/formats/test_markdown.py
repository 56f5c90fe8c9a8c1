"""Markdown study sheet: sections, timestamps, and escaping checked by a CommonMark renderer."""

from __future__ import annotations

from markdown_it import MarkdownIt

from video_transcriber.domain import Transcript
from video_transcriber.formats import render
from video_transcriber.insights import Insights, analyze


def test_study_sheet_sections_and_timestamps(
    lecture: Transcript, lecture_insights: Insights
) -> None:
    text = render(lecture, "md", insights=lecture_insights, title="Week 3: Optimisation")
    lines = text.splitlines()
    assert lines[0] == "# Week 3: Optimisation"
    assert "- **Duration:** 01:40:05" in lines
    assert any(line.startswith("- **Words:** ") for line in lines)
    assert "## Questions (1)" in lines
    assert "- [00:00:12] What happens if the rate is too large?" in lines
    assert "## Emphasis (1)" in lines
    assert "- [00:00:15] **remember** — Remember, this will be on the exam." in lines
    assert "### learning rate — 1 mention" in lines
    assert any(line.startswith("- [00:00:") and "**learning rate**" in line for line in lines)
    assert "### never said — not mentioned" in lines
    assert "[01:40:00] And that is all for today." in lines
    assert text.index("## Questions") < text.index("## Emphasis") < text.index("## Keywords")
    assert text.index("## Keywords") < text.index("## Transcript")


def test_keyword_mention_timestamps_use_word_times(lecture: Transcript) -> None:
    insights = analyze(lecture.segments, keywords=["convergence"], emphasis_phrases=[], duration=1)
    mention = insights.keywords[0].mentions[0]
    assert 3.5 < mention.start < 12.25  # from the words, not the segment start
    assert f"[00:00:{int(mention.start):02d}]" in render(lecture, "md", insights=insights)


def test_transcript_text_cannot_inject_markup(hostile: Transcript) -> None:
    text = render(hostile, "md", title="<b>t</b> *x*")
    rendered = MarkdownIt("commonmark").render(text)
    assert "<script>" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<h1>&lt;b&gt;t&lt;/b&gt; *x*</h1>" in rendered


def test_without_insights_still_has_totals_and_questions(lecture: Transcript) -> None:
    text = render(lecture, "md")
    assert "# Transcript" in text
    assert "## Questions (1)" in text
    assert "No keywords were given." in text


def test_empty_transcript(empty: Transcript) -> None:
    text = render(empty, "md")
    assert "*No speech was transcribed.*" in text
    assert "## Questions (0)" in text
