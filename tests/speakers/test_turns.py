"""Windows and labels → turns; the one-slip smoothing; clustering edge cases."""

from __future__ import annotations

import numpy as np

from video_transcriber.domain import SpeechSpan
from video_transcriber.speakers.clustering import ClusterOptions, cluster
from video_transcriber.speakers.turns import SpeakerTurn, smooth, talk_time, to_turns
from video_transcriber.speakers.windows import Window, place_windows


def test_windows_cover_each_span_to_its_end() -> None:
    windows = place_windows([SpeechSpan(0.0, 4.0), SpeechSpan(5.0, 5.5)], step=0.8)
    assert [(round(w.start, 2), round(w.end, 2)) for w in windows] == [
        (0.0, 1.6),
        (0.8, 2.4),
        (1.6, 3.2),
        (2.4, 4.0),
        (5.0, 5.5),
    ]
    assert [w.span for w in windows] == [0, 0, 0, 0, 1]


def test_turns_change_halfway_between_window_centres_and_never_cross_silence() -> None:
    spans = [SpeechSpan(0.0, 4.0), SpeechSpan(5.0, 6.0)]
    windows = place_windows(spans, step=0.8)
    turns = to_turns(spans, windows, np.array([0, 0, 1, 1, 1]))
    assert turns == [
        SpeakerTurn(0.0, 2.0, 0),  # centres 1.6 and 2.4
        SpeakerTurn(2.0, 4.0, 1),
        SpeakerTurn(5.0, 6.0, 1),
    ]
    assert talk_time(turns) == {1: 3.0, 0: 2.0}


def test_a_single_slip_inside_a_span_is_smoothed_but_not_across_spans() -> None:
    windows = [Window(i, i + 1.6, 0) for i in range(4)] + [Window(9, 10.6, 1)]
    assert smooth(np.array([0, 1, 0, 0, 1]), windows).tolist() == [0, 0, 0, 0, 1]
    across = [Window(0, 1.6, 0), Window(3, 4.6, 1), Window(6, 7.6, 2)]
    assert smooth(np.array([0, 1, 0]), across).tolist() == [0, 1, 0]


def _voices(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    """Voices far apart (cosine distance ~0.6 between them, ~0.02 within one)."""
    base = np.abs(rng.standard_normal(32))
    rows = []
    for k, n in enumerate(counts):
        centre = base.copy()
        centre[8 * k : 8 * k + 8] += 3.0
        rows.append(centre + 0.3 * rng.standard_normal((n, 32)))
    return np.concatenate(rows)


def test_clustering_finds_the_voices_names_them_in_order_and_obeys_a_count() -> None:
    rng = np.random.default_rng(0)
    embeddings = _voices(rng, [20, 10, 6])[::-1]
    labels = cluster(embeddings, ClusterOptions(threshold=0.4))
    assert labels[0] == 0 and len(set(labels.tolist())) == 3
    assert sorted(np.bincount(labels).tolist()) == [6, 10, 20]
    assert len(set(cluster(embeddings, ClusterOptions(speakers=2)).tolist())) == 2
    assert len(set(cluster(embeddings, ClusterOptions(max_speakers=2)).tolist())) == 2
    assert cluster(embeddings[:0], ClusterOptions()).tolist() == []


def test_a_voice_heard_too_briefly_joins_its_nearest_neighbour() -> None:
    rng = np.random.default_rng(1)
    embeddings = _voices(rng, [30, 2])
    assert set(cluster(embeddings, ClusterOptions(min_windows=3)).tolist()) == {0}
    assert set(cluster(embeddings, ClusterOptions(min_windows=2)).tolist()) == {0, 1}
