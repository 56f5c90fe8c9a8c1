"""Questions: sentences ending in "?", and — optionally — ones Whisper wrote without the mark.

Whisper sometimes ends a spoken question with "." or nothing. Guessing from the first words alone
("what", "how", "can") would turn every "What I want you to do is…" and "Do the reading." into a
question, so an unmarked sentence counts only when its opening has question word order:

- an auxiliary followed by a subject: "Does this make sense", "Can the function be negative",
  "Have you seen it" (`do`/`have` only with a pronoun, because "Do the reading" and
  "Have a look" are commands);
- a wh-word followed by an auxiliary or `not`: "Why is that", "How does it work", "Why not",
  but not the pseudo-cleft "What is important is…" (the copula comes back later);
- "how many/much/long/often/far": "How many of you have done this";
- "what's/who's/…" followed by a subject: "What's the answer".

Leading fillers ("So, …", "Okay, …", "And …") are skipped first. Sentences ending in "!" or
longer than `MAX_INFERRED_WORDS` are never inferred to be questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from video_transcriber.insights.model import Question
from video_transcriber.insights.sentences import Sentence, count_words
from video_transcriber.languages.questions import has_question_cues, opens_with_question_mark
from video_transcriber.languages.questions import looks_like_question as looks_in

MAX_INFERRED_WORDS = 25
"""Longer unmarked sentences are run-ons where opener rules misfire; they are left alone."""

_TOKEN = re.compile(r"\w+(?:'\w+)*")
_FILLERS = frozenset(
    {"so", "and", "but", "okay", "ok", "now", "well", "right", "alright", "um", "uh", "oh", "then"}
)
_AUXILIARIES = frozenset(
    {
        *("is", "are", "was", "were", "am", "does", "did", "can", "could", "will", "would"),
        *("should", "shall", "may", "might", "isn't", "aren't", "wasn't", "weren't", "doesn't"),
        *("didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't", "haven't", "hasn't"),
        *("don't",),
    }
)
_PRONOUN_ONLY_AUXILIARIES = frozenset({"do", "have", "has", "had"})
_PRONOUNS = frozenset(
    {
        *("you", "we", "i", "he", "she", "it", "they", "anyone", "anybody", "everyone"),
        *("everybody", "someone", "somebody", "y'all"),
    }
)
_SUBJECTS = _PRONOUNS | frozenset(
    {"this", "that", "there", "these", "those", "the", "a", "an", "my", "your", "our", "his"}
    | {"her", "their", "its", "any", "all", "every", "each"}
)
_WH = frozenset({"what", "why", "how", "when", "where", "who", "which", "whose", "whom"})
_WH_CONTRACTIONS = frozenset({"what's", "where's", "who's", "how's", "why's", "when's"})
_HOW_QUANTITY = frozenset({"many", "much", "long", "often", "far", "come"})
_COPULAS = frozenset({"is", "was"})


def find_questions(
    sentences: Iterable[Sentence], *, infer_missing_marks: bool = True, language: str | None = None
) -> tuple[Question, ...]:
    """Sentences that are questions, in order; see the module docstring for the inference.

    Outside English a sentence ending in "?" (or the full-width one of Chinese and Japanese)
    or opening with "¿" is marked, and the unmarked ones are inferred by `languages.questions`
    where it has cues for `language`."""
    infer = _inference(language) if infer_missing_marks else None
    questions = []
    for sentence in sentences:
        if count_words(sentence.text) == 0:
            continue
        marked = _ends_with(sentence.text, "?") or _ends_with(sentence.text, "\uff1f")
        marked = marked or opens_with_question_mark(sentence.text)
        if marked or (infer is not None and infer(sentence.text)):
            questions.append(
                Question(sentence.text, sentence.start, sentence.end, inferred=not marked)
            )
    return tuple(questions)


def _inference(language: str | None) -> Callable[[str], bool] | None:
    """The unmarked-question rule for `language`: English's, another language's, or none."""
    if language in (None, "", "en"):
        return looks_like_question
    if has_question_cues(language):
        return lambda text: looks_in(text, str(language))
    return None


def looks_like_question(text: str) -> bool:
    """Whether an unmarked sentence has question word order (no "?" needed)."""
    if _ends_with(text, "!") or count_words(text) > MAX_INFERRED_WORDS:
        return False
    tokens = _TOKEN.findall(text.casefold().replace("\u2019", "'"))
    while tokens and tokens[0] in _FILLERS:
        tokens.pop(0)
    if len(tokens) < 2:
        return tokens == ["why"]
    first, second = tokens[0], tokens[1]
    if first in _AUXILIARIES:
        return second in _SUBJECTS
    if first in _PRONOUN_ONLY_AUXILIARIES:
        return second in _PRONOUNS
    if first in _WH_CONTRACTIONS:
        return second in _SUBJECTS or second in {"going", "happening", "wrong", "next"}
    if first not in _WH:
        return False
    if first == "how" and second in _HOW_QUANTITY:
        return True
    if first == "what" and second in _COPULAS and any(token in _COPULAS for token in tokens[2:]):
        return False  # "What is important is ...": a statement
    return second in _AUXILIARIES or second in _PRONOUN_ONLY_AUXILIARIES or second == "not"


def _ends_with(text: str, mark: str) -> bool:
    return text.rstrip("\"'\u201d\u2019\u00bb)] ").endswith(mark)
