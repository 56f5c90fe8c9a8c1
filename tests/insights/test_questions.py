"""Questions: marked ones across segments, and inferred ones with few false positives."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Segment
from video_transcriber.insights import analyze
from video_transcriber.insights.questions import find_questions, looks_like_question
from video_transcriber.insights.sentences import sentences_of


def test_question_spanning_segments_gets_its_start_segment_time() -> None:
    segments = [
        Segment(10.0, 12.0, "Right. So what do you think happens"),
        Segment(12.0, 15.0, "when the rate is too large? Let us see."),
    ]
    questions = analyze(segments, keywords=(), emphasis_phrases=(), duration=20).questions
    assert len(questions) == 1
    question = questions[0]
    assert question.text == "So what do you think happens when the rate is too large?"
    assert (question.start, question.end, question.inferred) == (10.0, 15.0, False)


@pytest.mark.parametrize(
    "text",
    [
        "Does this make sense.",
        "So, can anyone tell me the answer.",
        "Why is that",
        "How does the gradient change.",
        "What do you think.",
        "Okay, are there any questions.",
        "What's the derivative of x squared.",
        "How many of you have done this.",
        "Why not.",
        "Isn't that strange.",
        "Have you seen this before.",
        "Where is the error",
    ],
)
def test_unmarked_questions_are_inferred(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "What I want you to do is read chapter three.",
        "What is important is the learning rate.",
        "How we do this matters.",
        "When you finish, submit the form.",
        "Do the reading before Monday.",
        "Have a look at the next slide.",
        "Don't forget the homework.",
        "Can't stop now!",
        "Which brings us to the next topic.",
        "Is.",
        "This is a statement.",
        "What a great result!",
        "Where we are going there are no roads, and the road itself is long, winding, hard to "
        "follow, full of turns, and honestly quite a lot longer than any question would be.",
    ],
)
def test_statements_are_not_questions(text: str) -> None:
    assert not looks_like_question(text)


def test_inference_can_be_switched_off() -> None:
    sentences = sentences_of([Segment(0, 1, "Does this make sense. Yes it does? Sure.")])
    assert [q.text for q in find_questions(sentences, infer_missing_marks=False)] == [
        "Yes it does?"
    ]
    inferred = find_questions(sentences)
    assert [(q.text, q.inferred) for q in inferred] == [
        ("Does this make sense.", True),
        ("Yes it does?", False),
    ]


def test_question_mark_inside_quotes_and_bare_marks() -> None:
    sentences = sentences_of([Segment(0, 1, 'She asked, "Why?" ? Fine.')])
    assert [q.text for q in find_questions(sentences)] == ['She asked, "Why?"']
