"""Emphasis cues: sentences holding one of the configured phrases (`Settings.emphasis_phrases`).

Phrases match as whole words, case-insensitively, with any punctuation or line break between
their words (`keywords.phrase_pattern`), so "on the exam" finds "This will be on the EXAM." even
when Whisper split the sentence across two segments. A sentence that holds several phrases yields
one cue, named after the phrase that comes first in it (the longer one on a tie), so a lecturer's
"Remember, this is important" is one thing to review, not two. The cue is timed from where the
phrase is said (the segment or word holding it), not from where its sentence began: an
unpunctuated sentence can start half a minute earlier, and a student clicking the cue wants to
hear the phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from video_transcriber.insights.keywords import phrase_pattern, unique_phrases
from video_transcriber.insights.model import EmphasisCue
from video_transcriber.insights.sentences import Sentence
from video_transcriber.insights.stream import TextStream


def compile_phrases(phrases: Iterable[str]) -> list[tuple[str, re.Pattern[str]]]:
    """(phrase, pattern) pairs for the distinct non-blank phrases."""
    compiled = []
    for phrase in unique_phrases(phrases):
        pattern = phrase_pattern(phrase)
        if pattern is not None:
            compiled.append((phrase, pattern))
    return compiled


def find_emphasis(
    sentences: Sequence[Sentence], phrases: Iterable[str], stream: TextStream | None = None
) -> tuple[EmphasisCue, ...]:
    """One cue per sentence that holds a phrase, in time order, timed from the phrase when the
    `stream` the sentences were cut from is given."""
    compiled = compile_phrases(phrases)
    if not compiled:
        return ()
    cues = []
    for sentence in sentences:
        phrase = _first_phrase(sentence.text, compiled)
        if phrase is None:
            continue
        start = sentence.start
        if stream is not None:
            start = _phrase_start(stream, sentence, dict(compiled)[phrase])
        cues.append(EmphasisCue(phrase, sentence.text, start, max(start, sentence.end)))
    return tuple(cues)


def _phrase_start(stream: TextStream, sentence: Sentence, pattern: re.Pattern[str]) -> float:
    match = pattern.search(stream.text, sentence.first, sentence.last)
    return stream.start_time(match.start()) if match else sentence.start


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
