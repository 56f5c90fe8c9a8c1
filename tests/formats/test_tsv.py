"""TSV: integer milliseconds, escaped text, exactly three fields per row."""

from __future__ import annotations

from video_transcriber.domain import Transcript
from video_transcriber.formats import parse_tsv, render
from video_transcriber.formats.tsv import escape_field, unescape_field


def test_rows_are_milliseconds_and_text(lecture: Transcript) -> None:
    lines = render(lecture, "tsv").splitlines()
    assert lines[0] == "start\tend\ttext"
    assert lines[1] == "0\t3500\tWelcome back, everyone."
    assert lines[-1] == "6000000\t6002500\tAnd that is all for today."
    assert all(line.count("\t") == 2 for line in lines)


def test_tabs_and_newlines_are_escaped_reversibly(hostile: Transcript) -> None:
    text = render(hostile, "tsv")
    assert all(line.count("\t") == 2 for line in text.splitlines())
    rows = parse_tsv(text)
    assert rows[1] == (2000, 4000, "Tabs\there and\nnew lines & <b>bold</b>?")


def test_escape_round_trip_on_awkward_text() -> None:
    for text in ["a\\tb", "back\\\\slash\t", "\r\n\u2028x", "end\\"]:
        assert unescape_field(escape_field(text)) == text
        assert "\t" not in escape_field(text) and "\n" not in escape_field(text)


def test_unicode_line_separator_stays_inside_its_row() -> None:
    from video_transcriber.domain import Segment

    transcript = Transcript([Segment(0, 1, "a\u2028b")], "en", 1.0)
    assert parse_tsv(render(transcript, "tsv")) == [(0, 1000, "a\u2028b")]


def test_empty_transcript_is_the_header(empty: Transcript) -> None:
    assert render(empty, "tsv") == "start\tend\ttext\n"
    assert parse_tsv(render(empty, "tsv")) == []
