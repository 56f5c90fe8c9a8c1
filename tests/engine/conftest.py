"""Engine fixtures: one loaded transcriber for the session, the corpus by clip name."""

from __future__ import annotations

import pytest

from testkit.evaluation.corpus import Clip
from video_transcriber.config import ModelSettings
from video_transcriber.engine.transcriber import ChunkTranscriber


@pytest.fixture(scope="session")
def transcriber() -> ChunkTranscriber:
    return ChunkTranscriber(ModelSettings(), threads=2)


@pytest.fixture(scope="session")
def clips_by_name(corpus: list[Clip]) -> dict[str, Clip]:
    return {c.name: c for c in corpus}
