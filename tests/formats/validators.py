"""Strict SubRip and WebVTT validators written from the specs, one regex per cue."""

from __future__ import annotations

import html
import re

_LINE = r"[^\n]*\S[^\n]*"
"""A cue text line: not empty, not blank (a blank line would end the cue)."""
_SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
_SRT_CUE = re.compile(
    rf"(?P<index>[1-9]\d*)\n{_SRT_TIME} --> {_SRT_TIME}\n(?P<text>{_LINE}(?:\n{_LINE})?)"
)


def _ms(hours: str, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def validate_srt(text: str) -> list[tuple[int, int, list[str]]]:
    """Every cue as (start_ms, end_ms, lines); fails on anything SubRip does not allow."""
    if text == "":
        return []
    assert text.endswith("\n") and not text.endswith("\n\n\n")
    cues = []
    for number, block in enumerate(text.rstrip("\n").split("\n\n"), start=1):
        match = _SRT_CUE.fullmatch(block)
        assert match, f"malformed cue: {block!r}"
        assert int(match["index"]) == number
        groups = match.groups()
        start, end = _ms(*groups[1:5]), _ms(*groups[5:9])
        assert end > start, block
        lines = match["text"].split("\n")
        assert all(len(line) <= 42 or " " not in line for line in lines), lines
        assert "-->" not in match["text"]
        cues.append((start, end, lines))
    starts = [cue[0] for cue in cues]
    assert starts == sorted(starts)
    return cues


_VTT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_CUE = re.compile(rf"{_VTT_TIME} --> {_VTT_TIME}\n(?P<text>{_LINE}(?:\n{_LINE})?)")
_VTT_HEADER = re.compile(r"\A(?:[A-Za-z-]+: [^\n]+\n)+")
"""Header metadata lines (`Language: de`) between `WEBVTT` and the first blank line."""
_BAD_TEXT = re.compile(r"[<>]|&(?!(?:amp|lt|gt);)|-->")


def validate_vtt(text: str) -> list[tuple[int, int, str]]:
    """Every cue as (start_ms, end_ms, unescaped text); fails on anything WebVTT forbids."""
    assert text.startswith("WEBVTT\n")
    body = _VTT_HEADER.sub("", text.removeprefix("WEBVTT\n"), count=1)
    if not body:
        return []
    assert body.startswith("\n") and text.endswith("\n")
    cues = []
    for block in body.strip("\n").split("\n\n"):
        match = _VTT_CUE.fullmatch(block)
        assert match, f"malformed cue: {block!r}"
        groups = match.groups()
        start, end = _ms(*groups[0:4]), _ms(*groups[4:8])
        assert end > start
        assert not _BAD_TEXT.search(match["text"]), match["text"]
        cues.append((start, end, html.unescape(match["text"])))
    return cues
