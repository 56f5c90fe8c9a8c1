"""`render` dispatch, the format table, and behaviour every writer shares."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Transcript
from video_transcriber.formats import CONTENT_TYPES, EXTENSIONS, FORMATS, render

ALL = ["txt", "srt", "vtt", "json", "tsv", "md", "html", "chapters"]


def test_every_format_is_registered() -> None:
    assert list(FORMATS) == ALL
    assert set(CONTENT_TYPES) == set(ALL) and EXTENSIONS["srt"] == ".srt"
    assert EXTENSIONS["chapters"] == ".chapters.vtt"


def test_unknown_format_lists_the_supported_ones(lecture: Transcript) -> None:
    with pytest.raises(ValueError, match=r"'docx'.*txt, srt, vtt, json, tsv, md, html, chapters"):
        render(lecture, "docx")


def test_format_names_are_forgiving(lecture: Transcript) -> None:
    assert render(lecture, ".SRT") == render(lecture, "srt")


@pytest.mark.parametrize("fmt", ALL)
def test_every_writer_handles_empty_and_is_deterministic(fmt: str, empty: Transcript) -> None:
    assert render(empty, fmt) == render(empty, fmt)


@pytest.mark.parametrize("fmt", ALL)
def test_every_writer_is_pure(fmt: str, lecture: Transcript) -> None:
    before = repr(lecture)
    render(lecture, fmt, title="t")
    assert repr(lecture) == before
