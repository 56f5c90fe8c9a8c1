"""Every writer on real speech text: the corpus references laid end to end as one lecture."""

from __future__ import annotations

import json
import re

import pytest
import srt as srt_lib
import webvtt

from testkit.evaluation.corpus import Clip
from video_transcriber.config import Settings
from video_transcriber.domain import Segment, Transcript
from video_transcriber.formats import FORMATS, parse_json, parse_tsv, render
from video_transcriber.insights import Insights, analyze

from .test_html import Page
from .validators import validate_srt, validate_vtt


@pytest.fixture(scope="module")
def corpus_lecture(corpus: list[Clip]) -> tuple[Transcript, Insights]:
    segments, time = [], 5400.0  # start at 1:30:00 so hours and >99 minutes show up
    for clip in corpus:
        segments.append(Segment(time, time + clip.duration, clip.reference))
        time += clip.duration + 0.8
    transcript = Transcript(segments, "en", time + 2.0, model="tiny.en")
    insights = analyze(
        segments,
        keywords=["country", "printing", "amiable"],
        emphasis_phrases=Settings().emphasis_phrases,
        duration=transcript.duration,
    )
    return transcript, insights


def test_subtitles_are_valid_and_cover_every_word(
    corpus_lecture: tuple[Transcript, Insights],
) -> None:
    transcript, _ = corpus_lecture
    srt_text, vtt_text = render(transcript, "srt"), render(transcript, "vtt")
    srt_cues, vtt_cues = validate_srt(srt_text), validate_vtt(vtt_text)
    assert len(srt_cues) == len(vtt_cues) > len(transcript.segments)  # long clips were split
    assert [c[:2] for c in srt_cues] == [c[:2] for c in vtt_cues]
    assert len(list(srt_lib.parse(srt_text))) == len(srt_cues)
    assert len(webvtt.from_string(vtt_text).captions) == len(vtt_cues)
    subtitle_words = " ".join(" ".join(c[2]) for c in srt_cues).split()
    assert subtitle_words == transcript.text.split()
    assert srt_cues[0][0] == 5_400_000 and srt_text.startswith("1\n01:30:00,000 --> ")


def test_json_and_tsv_round_trip(corpus_lecture: tuple[Transcript, Insights]) -> None:
    transcript, insights = corpus_lecture
    back = parse_json(render(transcript, "json", insights=insights))
    assert [s.text for s in back.segments] == [s.text.strip() for s in transcript.segments]
    rows = parse_tsv(render(transcript, "tsv"))
    assert [r[2] for r in rows] == [s.text.strip() for s in transcript.segments]
    assert json.loads(render(transcript, "json"))["language"] == "en"


def test_study_sheets_on_real_text(corpus_lecture: tuple[Transcript, Insights]) -> None:
    transcript, insights = corpus_lecture
    markdown = render(transcript, "md", insights=insights, title="Corpus lecture")
    assert "### country — 2 mentions" in markdown
    assert re.search(r"- \[01:3\d:\d\d\] .*\*\*country\*\*", markdown)
    page_text = render(transcript, "html", insights=insights, media_url="lecture.mp4")
    assert not re.search(r"https?://", page_text)
    page = Page(page_text)
    assert ("kw", "country") in page.marks and ("kw", "Printing") in page.marks
    assert len(page.find("p", class_="seg")) == len(transcript.segments)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_renders_real_text(
    corpus_lecture: tuple[Transcript, Insights], fmt: str
) -> None:
    transcript, insights = corpus_lecture
    assert render(transcript, fmt, insights=insights).strip()
