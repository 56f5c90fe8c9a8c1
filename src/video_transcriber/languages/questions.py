"""Whether an unmarked sentence in a language other than English is a question (pure).

See `languages.phrases.QUESTION_CUES` for what counts. Text is compared folded (case and
accents: `languages.folding`), so "Porque" and "por qué" read as written does not matter to the
rules, and tokens keep inner apostrophes and hyphens ("qu'est-ce", "est-ce").
"""

from __future__ import annotations

import re

from video_transcriber.languages.folding import fold
from video_transcriber.languages.phrases import QUESTION_CUES, QuestionCues

MAX_WORDS = 25
"""Longer unmarked sentences are run-ons where opener rules misfire."""

_TOKEN = re.compile(r"\w+(?:['\u2019-]\w+)*")


def _folded_cues(cues: QuestionCues) -> QuestionCues:
    return QuestionCues(
        openers=frozenset(fold(o) for o in cues.openers),
        verbs=frozenset(fold(v) for v in cues.verbs),
        pronouns=frozenset(fold(p) for p in cues.pronouns),
        fillers=frozenset(fold(f) for f in cues.fillers),
    )


_FOLDED = {language: _folded_cues(cues) for language, cues in QUESTION_CUES.items()}


def has_question_cues(language: str | None) -> bool:
    return (language or "") in _FOLDED


def opens_with_question_mark(text: str) -> bool:
    """Spanish marks a question where it begins: "¿Qué es esto." is a question."""
    return text.lstrip("\"'\u201c\u00ab( ").startswith("\u00bf")


def looks_like_question(text: str, language: str) -> bool:
    """Whether an unmarked `text` in `language` opens like a question."""
    cues = _FOLDED.get(language)
    if cues is None or text.rstrip().endswith("!"):
        return False
    tokens = _TOKEN.findall(fold(text).replace("\u2019", "'"))
    if len(tokens) > MAX_WORDS:
        return False
    while tokens and tokens[0] in cues.fillers:
        tokens.pop(0)
    if not tokens:
        return False
    first, pair = tokens[0], " ".join(tokens[:2])
    if first in cues.openers or pair in cues.openers or first.split("-")[0] in cues.openers:
        return True
    return len(tokens) > 1 and first in cues.verbs and tokens[1] in cues.pronouns
