"""Word errors charged to the utterances of a long reference by one alignment."""

from __future__ import annotations

import pytest

from video_transcriber.evaluation.attribution import (
    Counts,
    attribute,
    by_group,
    lost_utterances,
    reference_owners,
    total,
)
from video_transcriber.evaluation.wer import error_counts

REFERENCES = ["The cat sat.", "On the mat,", "hello world", "good night everyone"]


def test_reference_words_know_their_utterance() -> None:
    words, owners = reference_owners(REFERENCES)
    assert words[:5] == ["the", "cat", "sat", "on", "the"]
    assert owners == [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3]


def test_hand_made_example() -> None:
    # utterance 1: "the" -> "a", "extra" inserted after "mat"; utterance 2: "world" deleted;
    # utterance 3: nothing recognised at all
    counts = attribute(REFERENCES, "the cat sat on a mat extra hello")
    assert counts[0] == Counts(words=3, hits=3)
    assert counts[1] == Counts(words=3, hits=2, substitutions=1, insertions=1)
    assert counts[2] == Counts(words=2, hits=1, deletions=1)
    assert counts[3] == Counts(words=3, deletions=3)
    assert counts[1].wer == pytest.approx(2 / 3)


def test_totals_agree_with_the_plain_wer() -> None:
    hypothesis = "a cat sat on the mat hello there world good night everyone thanks"
    summed = total(attribute(REFERENCES, hypothesis))
    plain = error_counts(" ".join(REFERENCES), hypothesis)
    assert summed.words == plain["reference_words"]
    assert (summed.substitutions, summed.deletions, summed.insertions) == (
        plain["substitutions"],
        plain["deletions"],
        plain["insertions"],
    )


def test_insertions_go_to_the_word_before_or_else_the_first() -> None:
    counts = attribute(["red green", "blue cyan"], "pink red green blue cyan grey black")
    assert [c.insertions for c in counts] == [1, 2]
    assert all(c.hits == 2 for c in counts)


def test_timing_free_merged_and_split_segments_score_alike() -> None:
    merged = attribute(REFERENCES, "The cat sat on the mat. Hello world, good night everyone.")
    split = attribute(REFERENCES, "The cat. Sat on the. Mat hello. World good night. Everyone")
    assert merged == split
    assert total(merged).errors == 0


def test_empty_hypothesis_and_empty_reference() -> None:
    assert [c.deletions for c in attribute(REFERENCES, "")] == [3, 3, 2, 3]
    assert attribute([""], "some words") == [Counts(words=0, insertions=2)]
    assert attribute([], "anything") == []
    assert Counts().wer == 0.0 and Counts(insertions=1).wer == 1.0


def test_by_group_sums_per_condition() -> None:
    counts = attribute(REFERENCES, "the cat sat on a mat extra hello")
    grouped = by_group(counts, ["clean", "quiet", "clean", "quiet"])
    assert list(grouped) == ["clean", "quiet"]
    assert grouped["clean"] == Counts(words=5, hits=4, deletions=1)
    assert grouped["quiet"] == Counts(words=6, hits=2, substitutions=1, deletions=3, insertions=1)
    with pytest.raises(ValueError, match="group labels"):
        by_group(counts, ["clean"])


def test_lost_means_the_ceiling_got_half_and_we_got_nothing() -> None:
    ceiling = attribute(REFERENCES, "the cat sat on mat hello world good")
    ours = attribute(REFERENCES, "the cat sat elephant mat")
    # 1: ceiling 2/3, ours 1 hit -> kept; 2: ceiling 2/2, ours 0 -> lost;
    # 3: ceiling 1/3 (< half), ours 0 -> not counted as lost
    assert [c.hits for c in ceiling] == [3, 2, 2, 1]
    assert [c.hits for c in ours] == [3, 1, 0, 0]
    assert lost_utterances(ours, ceiling) == [2]
    assert lost_utterances(ours, ceiling, share=0.3) == [2, 3]
