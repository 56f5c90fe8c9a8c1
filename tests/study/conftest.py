"""Study-tool fixtures: the real embedding model (loaded once per test session) and the
four-topic lecture built from the corpus references, analysed once."""

from __future__ import annotations

import pytest

from testkit.evaluation.topic_lecture import TopicLecture, layout, reference_segments
from video_transcriber.config import StudySettings
from video_transcriber.study.embedding import E5Embedder, load_embedder
from video_transcriber.study.guide import StudyGuide, build_guide

TOPIC_SECONDS = 240.0
"""Each topic of the built lecture lasts about four minutes (16 minutes in all)."""


@pytest.fixture(scope="session")
def embedder() -> E5Embedder:
    return load_embedder(threads=2)


@pytest.fixture(scope="session")
def four_topics() -> TopicLecture:
    return layout(topic_seconds=TOPIC_SECONDS, seed=5)


@pytest.fixture(scope="session")
def four_topic_guide(four_topics: TopicLecture, embedder: E5Embedder) -> StudyGuide:
    return build_guide(
        reference_segments(four_topics),
        duration=four_topics.duration,
        embedder=embedder,
        settings=StudySettings(),
    )
