"""Plain text: sentences joined into paragraphs, paragraphs split at long pauses."""

from __future__ import annotations

from video_transcriber.domain import Segment, Transcript
from video_transcriber.formats import render


def test_segments_join_into_paragraphs_split_at_pauses(lecture: Transcript) -> None:
    text = render(lecture, "txt")
    paragraphs = text.rstrip("\n").split("\n\n")
    assert paragraphs[0].startswith("Welcome back, everyone. Today we look at")
    assert "this will be on the exam." in paragraphs[0]
    assert paragraphs[-1] == "And that is all for today."
    assert text.endswith("\n")


def test_long_paragraphs_break_after_a_sentence() -> None:
    sentence = "This sentence is about forty characters. "
    segments = [Segment(i, i + 1, sentence) for i in range(40)]
    paragraphs = render(Transcript(segments, "en", 40), "txt").strip().split("\n\n")
    assert len(paragraphs) > 1
    assert all(p.endswith(".") for p in paragraphs)


def test_title_and_empty(empty: Transcript) -> None:
    assert render(empty, "txt") == ""
    assert render(empty, "txt", title="Week 1") == "Week 1\n"
