"""Word error rate after Whisper's English normaliser, the way the corpus README asks for."""

from __future__ import annotations

from functools import cache

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer


@cache
def _normalizer() -> EnglishTextNormalizer:
    return EnglishTextNormalizer()


def normalize(text: str) -> str:
    """Whisper's English normalisation: lower case, no punctuation, spelled-out forms unified."""
    return " ".join(_normalizer()(text).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of `hypothesis` against `reference`, both normalised first."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp))


def word_errors(reference: str, hypothesis: str) -> int:
    """Wrong words (substitutions + deletions + insertions), both normalised first: WER's
    numerator, for bounds on short clips, where one word is several percent."""
    counts = error_counts(reference, hypothesis)
    return counts["substitutions"] + counts["deletions"] + counts["insertions"]


def error_counts(reference: str, hypothesis: str) -> dict[str, int]:
    """Substitutions, deletions and insertions, to tell dropped speech from misheard speech."""
    out = jiwer.process_words(normalize(reference), normalize(hypothesis))
    return {
        "substitutions": out.substitutions,
        "deletions": out.deletions,
        "insertions": out.insertions,
        "reference_words": out.substitutions + out.deletions + out.hits,
    }
