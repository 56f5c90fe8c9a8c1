"""Scoring and material for languages other than English.

The corpus README asks for Whisper's *basic* normaliser outside English (lower case, symbols
and punctuation removed, accents kept: "für" and "fur" are different words); English keeps its
own normaliser (`evaluation.wer`). `utterances_in(language)` lists a language's single
utterances of the corpus (FLEURS de, fr, es 000-002 and pt 001-002, NST Swedish), the material
of the built lectures in other languages.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jiwer
from whisper_normalizer.basic import BasicTextNormalizer

from testkit.evaluation.corpus import Clip, english_utterances, load_manifest
from testkit.evaluation.wer import normalize as normalize_english


@cache
def _basic() -> BasicTextNormalizer:
    return BasicTextNormalizer()


def normalize_in(language: str, text: str) -> str:
    """Whisper's normaliser for `language`: English's own for `en`, the basic one otherwise."""
    if language == "en":
        return normalize_english(text)
    return " ".join(_basic()(text).split())


def error_counts_in(language: str, reference: str, hypothesis: str) -> dict[str, int]:
    """Substitutions, deletions, insertions and reference words after `normalize_in`."""
    out = jiwer.process_words(normalize_in(language, reference), normalize_in(language, hypothesis))
    return {
        "substitutions": out.substitutions,
        "deletions": out.deletions,
        "insertions": out.insertions,
        "reference_words": out.substitutions + out.deletions + out.hits,
    }


def wer_in(language: str, reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` in `language`, both normalised first."""
    counts = error_counts_in(language, reference, hypothesis)
    if not counts["reference_words"]:
        return 0.0 if not normalize_in(language, hypothesis) else 1.0
    wrong = counts["substitutions"] + counts["deletions"] + counts["insertions"]
    return wrong / counts["reference_words"]


def utterances_in(language: str, directory: Path | None = None) -> list[Clip]:
    """The corpus's single utterances in `language` (English: `english_utterances`)."""
    if language == "en":
        return english_utterances(directory)
    return [c for c in load_manifest(directory) if c.language == language]


def foreign_clips(directory: Path | None = None) -> list[Clip]:
    """Every clip of the corpus that is not English."""
    return [c for c in load_manifest(directory) if c.language != "en"]
