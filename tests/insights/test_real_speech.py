"""Insights on real speech text: the corpus's reference transcripts laid out as segments."""

from __future__ import annotations

import re

import pytest

from testkit.evaluation.corpus import Clip
from video_transcriber.config import Settings
from video_transcriber.domain import Segment, Word
from video_transcriber.insights import analyze
from video_transcriber.insights.sentences import sentences_of


def _jfk_segments(clip: Clip) -> list[Segment]:
    """The JFK reference cut where the speaker pauses, with the pauses' real timing."""
    text = clip.reference
    second, third = text.index("ask not"), text.index("ask what")
    parts = [text[:second], text[second:third], text[third:]]
    spans = [(0.0, 3.0), (3.0, 7.4), (7.9, clip.duration)]
    return [
        Segment(start, end, part.strip()) for (start, end), part in zip(spans, parts, strict=True)
    ]


def _with_words(segment: Segment) -> Segment:
    tokens = segment.text.split()
    step = (segment.end - segment.start) / len(tokens)
    words = tuple(
        Word(segment.start + i * step, segment.start + (i + 1) * step, f" {token}")
        for i, token in enumerate(tokens)
    )
    return Segment(segment.start, segment.end, segment.text, words)


def test_jfk_country_twice_with_segment_times(jfk_clip: Clip) -> None:
    assert "ask not what your country can do for you" in jfk_clip.reference
    segments = _jfk_segments(jfk_clip)
    insights = analyze(
        segments,
        keywords=["country", "fellow Americans", "ask not what"],
        emphasis_phrases=Settings().emphasis_phrases,
        duration=jfk_clip.duration,
    )
    country, fellow, ask_not = insights.keywords
    assert country.count == 2
    assert [(m.start, m.end, m.segment_index) for m in country.mentions] == [
        (3.0, 7.4, 1),
        (7.9, jfk_clip.duration, 2),
    ]
    assert {m.sentence for m in country.mentions} == {jfk_clip.reference}
    assert (fellow.count, fellow.mentions[0].start) == (1, 0.0)
    assert ask_not.count == 1
    assert insights.questions == () and insights.emphasis == ()
    (sentence,) = sentences_of(segments)
    assert (sentence.text, sentence.start, sentence.end) == (jfk_clip.reference, 0.0, 11.0)


def test_jfk_country_with_word_timestamps(jfk_clip: Clip) -> None:
    segments = [_with_words(s) for s in _jfk_segments(jfk_clip)]
    insights = analyze(segments, keywords=["country"], emphasis_phrases=(), duration=11.0)
    expected = [
        word
        for segment in segments
        for word in segment.words
        if word.text.strip(" ,.").lower() == "country"
    ]
    mentions = insights.keywords[0].mentions
    assert [(m.start, m.end) for m in mentions] == [(w.start, w.end) for w in expected]
    assert 3.0 < mentions[0].start < 7.4 and 7.9 < mentions[1].start < 11.0


def _ljspeech(corpus: list[Clip]) -> list[Segment]:
    clips = sorted(
        (c for c in corpus if re.fullmatch(r"ljspeech_LJ001-000[1-8]\.wav", c.name)),
        key=lambda c: c.name,
    )
    assert len(clips) == 8
    segments, time = [], 0.0
    for clip in clips:
        segments.append(Segment(time, time + clip.duration, clip.reference))
        time += clip.duration + 0.3
    return segments


def test_ljspeech_sentences_run_across_clips(corpus: list[Clip]) -> None:
    segments = _ljspeech(corpus)
    sentences = sentences_of(segments)
    assert [s.segment_index for s in sentences] == [0, 2, 5]
    assert [s.start for s in sentences] == [segments[i].start for i in (0, 2, 5)]
    assert [s.end for s in sentences] == [segments[i].end for i in (1, 4, 7)]
    assert sentences[0].text.endswith("Exhibition in being comparatively modern.")
    assert sentences[2].text.endswith(
        '"forty-two line Bible" of about fourteen fifty-five, has never been surpassed.'
    )


def test_ljspeech_keywords_whole_words_only(corpus: list[Clip]) -> None:
    segments = _ljspeech(corpus)
    insights = analyze(
        segments,
        keywords=["printing", "movable", "movable types", "book", "Gutenberg Bible"],
        emphasis_phrases=Settings().emphasis_phrases,
        duration=segments[-1].end,
    )
    counts = {s.keyword: s.count for s in insights.keywords}
    assert counts == {
        "printing": 2,  # "Printing," and "printing." — not "printed"
        "movable": 2,
        "movable types": 1,
        "book": 2,  # "printed book," and "earliest book" — not "books"
        "Gutenberg Bible": 0,
    }
    printing = insights.keywords[0].mentions
    assert [m.segment_index for m in printing] == [0, 4]
    assert [m.start for m in printing] == [segments[0].start, segments[4].start]


def _ngram_count(text: str, phrase: str) -> int:
    tokens, wanted = re.findall(r"[a-z0-9]+", text.lower()), phrase.lower().split()
    return sum(tokens[i : i + len(wanted)] == wanted for i in range(len(tokens)))


@pytest.mark.parametrize(
    "keyword", ["the", "he", "country", "amiable", "ill disposed", "could wait"]
)
def test_corpus_keyword_counts_match_an_independent_count(corpus: list[Clip], keyword: str) -> None:
    clips = [c for c in corpus if c.language == "en"]
    segments, time = [], 0.0
    for clip in clips:
        segments.append(Segment(time, time + clip.duration, clip.reference))
        time += clip.duration + 1.0
    insights = analyze(segments, keywords=[keyword], emphasis_phrases=(), duration=time)
    (summary,) = insights.keywords
    assert summary.count == sum(_ngram_count(c.reference, keyword) for c in clips) > 0
    for mention in summary.mentions:
        assert mention.start == segments[mention.segment_index].start
        assert _ngram_count(clips[mention.segment_index].reference, keyword) > 0
    totals = insights.totals
    assert totals.speech_seconds == pytest.approx(sum(c.duration for c in clips))
    assert 0 < totals.speech_share < 1 and totals.words > 900
