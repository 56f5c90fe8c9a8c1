"""Folding (case and accents), counting and wrapping by script, phrases and question cues."""

from __future__ import annotations

import pytest

from video_transcriber.languages.catalog import language_name, parse_language
from video_transcriber.languages.folding import FoldedText, fold
from video_transcriber.languages.options import check_language_options
from video_transcriber.languages.phrases import EMPHASIS_PHRASES
from video_transcriber.languages.questions import looks_like_question, opens_with_question_mark
from video_transcriber.languages.scripts import count_units, unit_name, wrap
from video_transcriber.languages.search import postgres_config


def test_fold_removes_case_and_accents() -> None:
    assert fold("PRÜFUNG Élève Straße") == "prufung eleve strasse"
    assert fold("e\u0301le\u0300ve") == "eleve"  # decomposed input folds the same


def test_folded_text_maps_matches_back_to_the_original() -> None:
    folded = FoldedText.of("Die Straße, ÉTÉ!")
    start = folded.text.index("strasse")
    assert folded.span(start, start + len("strasse")) == (4, 10)
    assert folded.original[slice(*folded.span(start, start + 7))] == "Straße"
    at = folded.text.index("ete")
    assert folded.original[slice(*folded.span(at, at + 3))] == "ÉTÉ"


def test_units_are_characters_for_unspaced_scripts() -> None:
    assert count_units("Das ist gut, oder?", "de") == 4
    assert count_units("这是一个测试。", "zh") == 6
    assert count_units("これはテストです", "ja") == 8
    assert unit_name("ja") == "characters" and unit_name("fr") == "words"


def test_wrap_by_characters_for_chinese_and_by_words_otherwise() -> None:
    lines = wrap("这是一个很长的句子需要分成几行来显示", 8, "zh")
    assert (
        all(len(line) <= 8 for line in lines)
        and "".join(lines) == "这是一个很长的句子需要分成几行来显示"
    )
    assert wrap("eins zwei drei vier", 9, "de") == ["eins zwei", "drei vier"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Ist das klar", "de", True),
        ("Haben Sie Fragen", "de", True),
        ("Warum funktioniert das", "de", True),
        ("Das ist klar", "de", False),
        ("Wie gesagt, das ist wichtig", "de", False),
        ("Alors, qu'est-ce que vous en pensez", "fr", True),
        ("Pourquoi le ciel est bleu", "fr", True),
        ("Le ciel est bleu", "fr", False),
        ("Por que o céu é azul", "pt", True),
        ("Qué significa esto", "es", True),
        ("Que significa esto", "es", True),  # without its accent, as Whisper may write it
        ("Perché non funziona", "it", True),
        ("Funziona bene!", "it", False),
    ],
)
def test_unmarked_questions(text: str, language: str, expected: bool) -> None:
    assert looks_like_question(text, language) is expected


def test_spanish_opening_mark() -> None:
    assert opens_with_question_mark("¿Qué es esto.")
    assert not opens_with_question_mark("Esto es.")


def test_every_insight_language_has_phrases() -> None:
    assert {"de", "fr", "es", "pt", "it"} <= set(EMPHASIS_PHRASES)


def test_language_parsing_and_names() -> None:
    assert parse_language("auto") is None and parse_language(None) is None
    assert parse_language("DE") == "de" and parse_language("German") == "de"
    assert language_name("pt") == "portuguese"
    with pytest.raises(ValueError, match="auto"):
        parse_language("klingon")


def test_english_only_models_refuse_translation_and_other_languages() -> None:
    assert check_language_options("base", "auto", "translate") is None
    assert check_language_options("tiny.en", "en", "transcribe") == "en"
    with pytest.raises(ValueError, match="--model base"):
        check_language_options("tiny.en", None, "translate")
    with pytest.raises(ValueError, match="german"):
        check_language_options("tiny.en", "de", None)
    with pytest.raises(ValueError, match="transcribe or translate"):
        check_language_options("base", None, "summarize")


def test_postgres_configs() -> None:
    assert postgres_config("de") == "german" and postgres_config("ja") == "simple"
    assert postgres_config(None) == "simple"
