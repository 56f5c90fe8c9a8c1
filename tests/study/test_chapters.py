"""Chapter segmentation: on a lecture of four topics (real embeddings of the corpus
references, laid out with real pauses) every topic change is found within 15 s and no chapter
starts inside a topic; a one-topic recording stays one chapter; depth scores and the minimum
chapter length behave as TextTiling says."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from testkit.evaluation.topic_lecture import TopicLecture, layout, reference_segments
from video_transcriber.config import StudySettings
from video_transcriber.insights.sentences import sentences_of
from video_transcriber.study.chapters import depth_scores, segment
from video_transcriber.study.embedding import E5Embedder
from video_transcriber.study.guide import StudyGuide, build_guide
from video_transcriber.study.ranking import tfidf_matrix

TOLERANCE = 15.0


def test_four_topics_give_four_chapters_at_the_topic_changes(
    four_topics: TopicLecture, four_topic_guide: StudyGuide
) -> None:
    starts = [chapter.start for chapter in four_topic_guide.chapters]
    assert starts[0] == 0.0
    assert len(starts) == 4, starts
    for found, truth in zip(starts[1:], four_topics.topic_starts, strict=True):
        assert abs(found - truth) <= TOLERANCE, (found, truth)
    topics = [four_topics.topic_at(start + 1.0) for start in starts]
    assert topics == ["printing", "sonnet", "novel", "objects"]


def test_chapters_tile_the_recording_and_carry_titles_and_short_summaries(
    four_topics: TopicLecture, four_topic_guide: StudyGuide
) -> None:
    chapters = four_topic_guide.chapters
    assert chapters[-1].end >= four_topics.placements[-1].end
    for before, after in itertools.pairwise(chapters):
        assert before.end == after.start
    for chapter in chapters:
        assert chapter.title and len(chapter.title) <= 60
        assert 1 <= len(chapter.summary) <= 3
    printing = " ".join([*chapters[0].summary, chapters[0].title]).casefold()
    assert "print" in printing or "letter" in printing or "type" in printing


def test_a_one_topic_recording_is_one_chapter(embedder: E5Embedder) -> None:
    lecture = layout(("printing",), topic_seconds=420.0, seed=1)
    guide = build_guide(
        reference_segments(lecture),
        duration=lecture.duration,
        embedder=embedder,
        settings=StudySettings(),
    )
    assert lecture.duration > 420
    assert len(guide.chapters) == 1
    assert guide.chapters[0].start == 0.0
    assert guide.chapters[0].end == lecture.duration


def test_depth_is_measured_at_valleys_by_their_walls() -> None:
    curve = np.array([0.9, 0.95, 0.6, 0.8, 0.7, 0.9], dtype=np.float32)
    depths = depth_scores(curve)
    assert depths[2] == pytest.approx((0.95 - 0.6) + (0.8 - 0.6), abs=1e-6)
    assert depths[4] == pytest.approx((0.8 - 0.7) + (0.9 - 0.7), abs=1e-6)
    assert depths[1] == depths[3] == 0.0  # peaks are no boundaries


def test_no_chapter_is_shorter_than_the_minimum(
    four_topics: TopicLecture, four_topic_guide: StudyGuide
) -> None:
    sentences = sentences_of(reference_segments(four_topics))
    spans = segment(
        four_topic_guide.passages,
        four_topic_guide.vectors,
        sentences,
        lexical=tfidf_matrix([s.text for s in sentences]),
        min_chapter_seconds=300.0,
        boundary_depth=StudySettings().boundary_depth,
    )
    assert 1 < len(spans) < 4
    assert all(span.first < span.stop for span in spans)
    starts = [sentences[span.first].start for span in spans[1:]]
    edges = [0.0, *starts, four_topics.duration]
    assert min(b - a for a, b in itertools.pairwise(edges)) >= 300.0
    assert all(min(abs(s - t) for t in four_topics.topic_starts) <= TOLERANCE for s in starts)
