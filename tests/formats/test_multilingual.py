"""Every format carries the language; subtitles in unspaced scripts wrap by characters."""

from __future__ import annotations

import json

import webvtt

from tests.formats.validators import validate_vtt
from video_transcriber.domain import Segment, Transcript
from video_transcriber.formats import render
from video_transcriber.formats.cues import MAX_LINE_CHARS, build_cues

CHINESE = "今天我们讨论机器学习中的梯度下降方法以及它在大规模数据集上的收敛性质和实际应用中的问题"
GERMAN = Transcript(
    [Segment(0.0, 4.0, "Merken Sie sich das für die Prüfung.", language="de")],
    "de",
    4.0,
    language_probability=0.97,
)


def test_chinese_subtitles_wrap_by_characters() -> None:
    cues = build_cues([Segment(0.0, 12.0, CHINESE, language="zh")])
    lines = [line for cue in cues for line in cue.lines]
    assert len(lines) >= 2 and all(len(line) <= MAX_LINE_CHARS for line in lines)
    assert "".join(lines) == CHINESE  # nothing lost, no spaces invented
    assert cues[0].start_ms == 0 and cues[-1].end_ms == 12000
    # Without a language the same text is one unbreakable "word" on a line of its own.
    assert build_cues([Segment(0.0, 12.0, CHINESE)])[0].lines == (CHINESE,)


def test_latin_words_inside_japanese_stay_whole() -> None:
    cues = build_cues([Segment(0.0, 5.0, "これは Python の例です" * 4, language="ja")])
    text = "".join("".join(cue.lines) for cue in cues)
    assert text.count("Python") == 4


def test_vtt_names_the_language_in_its_header() -> None:
    text = render(GERMAN, "vtt")
    assert text.startswith("WEBVTT\nLanguage: de\n\n")
    assert validate_vtt(text)[0][2] == "Merken Sie sich das für die Prüfung."
    assert webvtt.from_string(text).captions[0].text == "Merken Sie sich das für die Prüfung."


def test_html_and_json_carry_the_language() -> None:
    assert '<html lang="de"' in render(GERMAN, "html")
    document = json.loads(render(GERMAN, "json"))
    assert document["language"] == "de" and document["language_probability"] == 0.97
    assert document["segments"][0]["language"] == "de" and document["task"] == "transcribe"
