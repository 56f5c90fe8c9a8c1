"""Language votes over windows and chunks, and which chunks are decoded again (pure)."""

from __future__ import annotations

import pytest

from video_transcriber.domain import Chunk, ChunkResult, Segment, SpeechSpan
from video_transcriber.languages.detection import (
    Detection,
    combine,
    spread_indices,
    to_redo,
    vote,
)
from video_transcriber.languages.job_language import job_detection, unsure_chunks


@pytest.mark.parametrize(
    ("count", "wanted", "expected"),
    [
        (0, 3, []),
        (1, 3, [0]),
        (3, 3, [0, 1, 2]),
        (9, 3, [0, 4, 8]),
        (10, 1, [5]),
        (7, 4, [0, 2, 4, 6]),
    ],
)
def test_spread_indices_reach_both_ends(count: int, wanted: int, expected: list[int]) -> None:
    assert spread_indices(count, wanted) == expected


def test_vote_weights_by_probability_not_by_count() -> None:
    # An opening window of confident English small talk, two German windows less sure each.
    windows = [[("en", 0.95), ("de", 0.03)], [("de", 0.6), ("en", 0.3)], [("de", 0.7), ("nl", 0.2)]]
    detection = vote(windows)
    assert detection is not None and detection.language == "de"
    assert detection.probability == pytest.approx((0.03 + 0.6 + 0.7) / 3)


def test_vote_of_nothing_is_none() -> None:
    assert vote([]) is None
    assert combine([]) is None


def test_combine_weights_chunks_by_speech() -> None:
    parts = [(Detection("en", 0.99), 10.0), (Detection("fr", 0.9), 100.0)]
    combined = combine(parts)
    assert combined is not None and combined.language == "fr"
    assert combined.probability == pytest.approx(0.9 * 100 / 110)


def test_only_unsure_chunks_of_another_language_are_redone() -> None:
    job = Detection("de", 0.9)
    chunks = [(0, Detection("de", 0.5)), (1, Detection("en", 0.95)), (2, Detection("en", 0.6))]
    assert to_redo(chunks, job, switch_probability=0.8) == [2]


def _result(index: int, language: str, probability: float, text: str = "x") -> ChunkResult:
    segments = (Segment(index, index + 1.0, text),) if text else ()
    return ChunkResult(index, segments, language, 0.1, language_probability=probability)


def test_job_detection_ignores_chunks_without_text() -> None:
    chunks = [Chunk(i, i, i + 1.0, (SpeechSpan(i, i + 1.0),)) for i in range(3)]
    results = [_result(0, "it", 0.9), _result(1, "it", 0.8), _result(2, "en", 1.0, text="")]
    job = job_detection(results, chunks)
    assert job is not None and job.language == "it"
    assert job.probability == pytest.approx(0.85)
    assert unsure_chunks(results, job, 0.8) == []
