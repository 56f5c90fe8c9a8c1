"""JSON document: stable schema and a lossless round trip through `parse_json`."""

from __future__ import annotations

import json

import pytest

from video_transcriber.domain import Transcript
from video_transcriber.formats import parse_json, parse_json_insights, render
from video_transcriber.insights import Insights

TOP_LEVEL = [
    "schema_version",
    "title",
    "language",
    "duration",
    "model",
    "plan",
    "timings",
    "text",
    "segments",
    "insights",
    "language_probability",
    "task",
    "chapters",
]


def test_schema_fields_and_order(lecture: Transcript, lecture_insights: Insights) -> None:
    document = json.loads(render(lecture, "json", insights=lecture_insights, title="Week 3"))
    assert list(document) == TOP_LEVEL
    assert document["schema_version"] == 1
    assert document["chapters"] == []  # no study guide given
    assert document["title"] == "Week 3"
    assert document["language"] == "en" and document["model"] == "tiny.en"
    assert document["plan"] == {"workers": 2, "threads_per_worker": 1}
    assert document["text"] == lecture.text
    first, with_words = document["segments"][0], document["segments"][1]
    assert list(first) == [
        "id", "start", "end", "text", "avg_logprob", "no_speech_prob", "speaker"
    ]  # fmt: skip
    assert first == {
        "id": 0,
        "start": 0.0,
        "end": 3.5,
        "text": "Welcome back, everyone.",
        "avg_logprob": 0.0,
        "no_speech_prob": 0.0,
        "speaker": None,
    }
    assert [w["text"] for w in with_words["words"]][:2] == [" Today", " we"]
    assert document["insights"]["keywords"][0]["keyword"] == "learning rate"


def test_round_trip(lecture: Transcript, lecture_insights: Insights) -> None:
    text = render(lecture, "json", insights=lecture_insights)
    back = parse_json(text)
    assert (back.language, back.duration, back.model) == ("en", 6005.0, "tiny.en")
    assert (back.plan, back.timings) == (lecture.plan, lecture.timings)
    for got, want in zip(back.segments, lecture.segments, strict=True):
        assert (got.start, got.end, got.text) == (want.start, want.end, want.text)
        assert len(got.words) == len(want.words)
        for got_word, want_word in zip(got.words, want.words, strict=True):
            assert got_word.text == want_word.text
            assert got_word.start == pytest.approx(want_word.start, abs=0.001)  # ms precision
            assert got_word.end == pytest.approx(want_word.end, abs=0.001)
    assert parse_json_insights(text) == lecture_insights


def test_empty_transcript(empty: Transcript) -> None:
    text = render(empty, "json")
    document = json.loads(text)
    assert document["segments"] == [] and document["text"] == "" and document["insights"] is None
    assert parse_json(text) == empty
    assert parse_json_insights(text) is None


def test_unknown_plan_values_become_strings(lecture: Transcript) -> None:
    lecture.plan["started"] = object()
    assert isinstance(json.loads(render(lecture, "json"))["plan"]["started"], str)


def test_parse_json_refuses_other_documents() -> None:
    with pytest.raises(ValueError, match="segments"):
        parse_json('{"hello": 1}')
