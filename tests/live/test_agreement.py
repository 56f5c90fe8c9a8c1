"""Local agreement commits the prefix two hypotheses agree on, and nothing twice."""

from __future__ import annotations

from video_transcriber.domain import Word
from video_transcriber.live.agreement import LocalAgreement, drop_loops, strip_repeats


def words(text: str, start: float = 0.0, step: float = 0.4) -> list[Word]:
    return [
        Word(start + i * step, start + (i + 1) * step, " " + token)
        for i, token in enumerate(text.split())
    ]


def test_the_agreed_prefix_is_committed_once() -> None:
    agreement = LocalAgreement()
    assert agreement.insert(words("he hoped there")) == []
    assert [w.text for w in agreement.pending] == [" he", " hoped", " there"]
    committed = agreement.insert(words("he hoped there would be"))
    assert [w.text for w in committed] == [" he", " hoped", " there"]
    assert [w.text for w in agreement.pending] == [" would", " be"]
    # the buffer still holds the committed words: they are not committed again
    committed = agreement.insert(words("He hoped there would be stew."))
    assert [w.text for w in committed] == [" would", " be"]
    assert [w.text for w in agreement.committed] == [" he", " hoped", " there", " would", " be"]


def test_case_and_punctuation_do_not_break_agreement_and_the_newer_spelling_wins() -> None:
    agreement = LocalAgreement()
    agreement.insert(words("stew for dinner"))
    committed = agreement.insert(words("Stew for dinner. Turnips"))
    assert "".join(w.text for w in committed) == " Stew for dinner."


def test_disagreement_commits_nothing_and_keeps_the_newest() -> None:
    agreement = LocalAgreement()
    agreement.insert(words("ask not what"))
    assert agreement.insert(words("and so my")) == []
    assert [w.text for w in agreement.pending] == [" and", " so", " my"]


def test_a_repeated_head_after_a_commit_is_dropped() -> None:
    committed = words("and so my fellow", start=0.0)
    # re-decoded with jittered times: the head repeats the committed tail
    new = [Word(1.0, 1.3, " my"), Word(1.3, 1.55, " fellow"), Word(1.6, 2.0, " Americans")]
    assert [w.text for w in strip_repeats(new, committed)] == [" Americans"]


def test_a_word_said_again_after_the_commit_is_kept() -> None:
    committed = words("more words words", start=0.0)  # the last "words" ends at 1.2
    new = [Word(1.25, 1.6, " words"), Word(1.6, 1.9, " and")]
    assert [w.text for w in strip_repeats(new, committed)] == [" words", " and"]


def test_a_sentence_decoded_twice_in_a_row_is_kept_once() -> None:
    looped = words("and so my fellow americans and so my fellow americans ask not")
    assert "".join(w.text for w in drop_loops(looped)) == " and so my fellow americans ask not"
    assert len(drop_loops(words("words words words words"))) == 4  # shorter than a loop


def test_commit_all_and_commit_until() -> None:
    agreement = LocalAgreement()
    agreement.insert(words("one two three four"))
    forced = agreement.commit_until(0.8)
    assert [w.text for w in forced] == [" one", " two"]
    closing = agreement.commit_all(words("one two three four five"))
    assert [w.text for w in closing] == [" three", " four", " five"]
    assert agreement.pending == []
    assert agreement.sentence_end_before(10.0) is None
