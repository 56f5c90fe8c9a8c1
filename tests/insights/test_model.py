"""Insights dataclasses: JSON-ready dicts and an exact round trip."""

from __future__ import annotations

import json

from video_transcriber.insights import (
    EmphasisCue,
    Insights,
    KeywordMention,
    KeywordSummary,
    Question,
    Totals,
)


def _sample() -> Insights:
    mention = KeywordMention("exam", 1.25, 1.5, "It is on the exam.", 3)
    return Insights(
        keywords=(KeywordSummary("exam", 1, (mention,)), KeywordSummary("quiz", 0)),
        questions=(Question("Why?", 2.0, 2.5), Question("Does it work", 3.0, 4.0, inferred=True)),
        emphasis=(EmphasisCue("on the exam", "It is on the exam.", 1.0, 1.6),),
        totals=Totals(
            words=12, duration=10.0, speech_seconds=4.0, speech_share=0.4, words_per_minute=180
        ),
    )


def test_to_dict_is_json_ready_and_round_trips() -> None:
    insights = _sample()
    data = insights.to_dict()
    assert Insights.from_dict(json.loads(json.dumps(data))) == insights
    assert data["keywords"][1] == {"keyword": "quiz", "count": 0, "mentions": []}
    assert data["questions"][1]["inferred"] is True
    assert isinstance(data["totals"]["words_per_minute"], float)


def test_from_dict_tolerates_missing_optional_lists() -> None:
    data = _sample().to_dict()
    del data["questions"][0]["inferred"]
    data.pop("emphasis")
    back = Insights.from_dict(data)
    assert back.emphasis == () and back.questions[0].inferred is False
