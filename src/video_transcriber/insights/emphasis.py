"""Emphasis cues: sentences holding one of the configured phrases (`Settings.emphasis_phrases`).

Phrases match as whole words, case-insensitively, with any punctuation or line break between
their words (`keywords.phrase_pattern`), so "on the exam" finds "This will be on the EXAM." even
when Whisper split the sentence across two segments. A sentence that holds several phrases yields
one cue, named after the phrase that comes first in it (the longer one on a tie), so a lecturer's
"Remember, this is important" is one thing to review, not two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from video_transcriber.insights.keywords import phrase_pattern, unique_phrases
from video_transcriber.insights.model import EmphasisCue
from video_transcriber.insights.sentences import Sentence


def compile_phrases(phrases: Iterable[str]) -> list[tuple[str, re.Pattern[str]]]:
    """(phrase, pattern) pairs for the distinct non-blank phrases."""
    compiled = []
    for phrase in unique_phrases(phrases):
        pattern = phrase_pattern(phrase)
        if pattern is not None:
            compiled.append((phrase, pattern))
    return compiled


def find_emphasis(sentences: Sequence[Sentence], phrases: Iterable[str]) -> tuple[EmphasisCue, ...]:
    """One cue per sentence that holds a phrase, in time order."""
    compiled = compile_phrases(phrases)
    if not compiled:
        return ()
    cues = []
    for sentence in sentences:
        phrase = _first_phrase(sentence.text, compiled)
        if phrase is not None:
            cues.append(EmphasisCue(phrase, sentence.text, sentence.start, sentence.end))
    return tuple(cues)


def _first_phrase(text: str, compiled: Sequence[tuple[str, re.Pattern[str]]]) -> str | None:
    best: tuple[int, int, str] | None = None
    for phrase, pattern in compiled:
        match = pattern.search(text)
        if match is None:
            continue
        candidate = (match.start(), -len(match.group()), phrase)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None
