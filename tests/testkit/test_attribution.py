"""Word errors charged to the utterances of a long reference by one alignment."""

from __future__ import annotations

import random

import pytest

from testkit.evaluation.attribution import (
    DELETION_COST,
    INSERTION_COST,
    SUBSTITUTION_COST,
    Counts,
    align,
    attribute,
    by_group,
    lost_utterances,
    reference_owners,
    total,
)
from testkit.evaluation.wer import error_counts

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


def _cost(steps: list[tuple[str, int, int]]) -> int:
    price = {"hit": 0, "substitution": SUBSTITUTION_COST}
    price |= {"insertion": INSERTION_COST, "deletion": DELETION_COST}
    return sum(price[kind] for kind, _, _ in steps)


def _best_cost(ref: list[str], hyp: list[str]) -> int:
    """The textbook weighted edit distance, cell by cell."""
    row = [INSERTION_COST * j for j in range(len(hyp) + 1)]
    for i, word in enumerate(ref, 1):
        new = [DELETION_COST * i]
        for j, other in enumerate(hyp, 1):
            diagonal = row[j - 1] + (0 if word == other else SUBSTITUTION_COST)
            new.append(min(diagonal, row[j] + DELETION_COST, new[j - 1] + INSERTION_COST))
        row = new
    return row[-1]


def test_alignment_is_optimal_and_consistent() -> None:
    rng = random.Random(0)
    for _ in range(200):
        ref = [rng.choice("abcde") for _ in range(rng.randint(0, 12))]
        hyp = [rng.choice("abcdef") for _ in range(rng.randint(0, 12))]
        steps = align(ref, hyp)
        assert _cost(steps) == _best_cost(ref, hyp)
        assert [i for _, i, _ in steps if i >= 0] == list(range(len(ref)))
        assert [j for _, _, j in steps if j >= 0] == list(range(len(hyp)))
        assert all((ref[i] == hyp[j]) == (kind == "hit") for kind, i, j in steps if i >= 0 <= j)


def test_a_shifted_run_of_right_words_is_matched_not_substituted() -> None:
    # A sentence misheard as two words, then a sentence recognised whole, then hallucinated
    # words: with unit costs, 12 substitutions + 2 insertions tie with matching the sentence,
    # and jiwer picks the substitutions, which would make sentence 1 look lost.
    references = ["i could take no more of it", "what your country can do"]
    hypothesis = "we said what your country can do alpha beta gamma delta epsilon zeta eta"
    plain = error_counts(" ".join(references), hypothesis)
    assert (plain["substitutions"], plain["deletions"], plain["insertions"]) == (12, 0, 2)
    counts = attribute(references, hypothesis)
    assert counts[1] == Counts(words=5, hits=5, insertions=7)
    assert counts[0] == Counts(words=7, substitutions=2, deletions=5)
    assert total(counts).errors == 14  # as many errors, charged where they belong


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
