"""Sentence splitting across segment boundaries, with times."""

from __future__ import annotations

from video_transcriber.domain import Segment, Word
from video_transcriber.insights.sentences import count_words, sentence_at, sentences_of


def _texts(segments: list[Segment]) -> list[str]:
    return [s.text for s in sentences_of(segments)]


def test_sentence_spanning_segments_keeps_its_start_and_end() -> None:
    segments = [
        Segment(0.0, 2.0, "First sentence. The second one"),
        Segment(2.0, 4.0, "goes on and"),
        Segment(4.0, 6.0, "ends here. Third."),
    ]
    sentences = sentences_of(segments)
    assert [s.text for s in sentences] == [
        "First sentence.",
        "The second one goes on and ends here.",
        "Third.",
    ]
    second = sentences[1]
    assert (second.start, second.end, second.segment_index) == (0.0, 6.0, 0)
    assert (sentences[2].start, sentences[2].segment_index) == (4.0, 2)


def test_word_timestamps_make_sentence_times_precise() -> None:
    words = (
        Word(0.0, 0.5, " First"),
        Word(0.5, 1.2, " sentence."),
        Word(1.4, 1.6, " The"),
        Word(1.6, 2.0, " second"),
    )
    segments = [Segment(0.0, 2.0, "First sentence. The second", words), Segment(2, 3, "ends.")]
    sentences = sentences_of(segments)
    assert (sentences[0].start, sentences[0].end) == (0.0, 1.2)
    assert (sentences[1].start, sentences[1].end) == (1.4, 3.0)


def test_abbreviations_initials_decimals_and_trailing_off_do_not_split() -> None:
    text = "Dr. Smith and J. Doe measured 3.14 units, e.g. in Fig. 2. So... we continue. Done!"
    assert _texts([Segment(0, 1, text)]) == [
        "Dr. Smith and J. Doe measured 3.14 units, e.g. in Fig. 2.",
        "So... we continue.",
        "Done!",
    ]


def test_questions_exclamations_and_closing_quotes_end_sentences() -> None:
    text = 'He asked "why?" Then left! (It was late.) OK'
    assert _texts([Segment(0, 1, text)]) == [
        'He asked "why?"',
        "Then left!",
        "(It was late.)",
        "OK",
    ]


def test_missing_final_mark_is_recovered_at_a_capitalised_segment_start() -> None:
    segments = [
        Segment(0, 2, "Does this make sense"),
        Segment(2, 4, "Now let us move on and I"),
        Segment(4, 6, "think this is on the"),
        Segment(6, 8, "EXAM for sure. Paris is"),
        Segment(8, 9, "London's rival"),
    ]
    assert _texts(segments) == [
        "Does this make sense",
        "Now let us move on and I think this is on the EXAM for sure.",
        "Paris is London's rival",
    ]


def test_unpunctuated_text_is_cut_at_segment_boundaries_once_long() -> None:
    segments = [Segment(i, i + 1, "word " * 25) for i in range(4)]  # lower case, no marks
    sentences = sentences_of(segments, max_words=40)
    assert [count_words(s.text) for s in sentences] == [50, 50]
    assert [s.start for s in sentences] == [0, 2]


def test_unicode_text_and_sentence_lookup() -> None:
    segments = [Segment(0, 1, "¿Qué pasa? Ça va très bien."), Segment(1, 2, "Ελληνικά κείμενα.")]
    sentences = sentences_of(segments)
    assert [s.text for s in sentences] == ["¿Qué pasa?", "Ça va très bien.", "Ελληνικά κείμενα."]
    assert sentence_at(sentences, sentences[2].first + 3) == sentences[2]
    assert sentence_at(sentences, sentences[0].last) is None  # the space between


def test_empty_input() -> None:
    assert sentences_of([]) == []
    assert sentences_of([Segment(0, 1, "  ")]) == []


def test_count_words_treats_contractions_as_one_word() -> None:
    assert count_words("Don't stop — it\u2019s 3.5 km!") == 6  # 3.5 is two runs of digits
