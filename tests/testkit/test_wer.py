"""Word errors after normalisation: what the accuracy bounds of the real-speech tests count."""

from __future__ import annotations

from testkit.evaluation.wer import word_error_rate, word_errors

JFK = "And so, my fellow Americans, ask not what your country can do for you."


def test_punctuation_and_case_are_not_errors() -> None:
    assert (
        word_errors(JFK, "and so my fellow americans ask not what your country can do for you") == 0
    )


def test_each_substitution_deletion_and_insertion_is_one_wrong_word() -> None:
    hypothesis = "And so, my yellow Americans, ask what your country can do for you too."
    assert word_errors(JFK, hypothesis) == 3
    assert word_error_rate(JFK, hypothesis) == 3 / 14
