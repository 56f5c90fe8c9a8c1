"""Languages written without spaces between words, and how their text is counted and wrapped.

Chinese, Japanese, Thai, Lao, Khmer, Burmese, Tibetan and Cantonese put no space between words,
so counting whitespace-separated "words" gives one per sentence and wrapping subtitles at spaces
cannot break a line. For them totals count characters (letters and digits, not punctuation)
and subtitles wrap by characters; every other language counts and wraps by words.
"""

from __future__ import annotations

import re

UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "yue"})
"""Whisper languages whose script separates no words with spaces."""

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
_CHARACTER = re.compile(r"\w")


def is_unspaced(language: str | None) -> bool:
    """Whether `language` is written without spaces between words."""
    return (language or "").lower() in UNSPACED_LANGUAGES


def count_units(text: str, language: str | None) -> int:
    """Words, or characters (letters and digits) for an unspaced language."""
    pattern = _CHARACTER if is_unspaced(language) else _WORD
    return len(pattern.findall(text))


def unit_name(language: str | None) -> str:
    """`characters` or `words`: what `count_units` counts for `language`."""
    return "characters" if is_unspaced(language) else "words"


def wrap(text: str, width: int, language: str | None) -> list[str]:
    """`text` in lines of at most `width` characters: at spaces, or anywhere for an unspaced
    language (never splitting inside a run of spaced Latin words it may contain)."""
    text = " ".join(text.split())
    if not text:
        return []
    if not is_unspaced(language):
        return _wrap_words(text.split(" "), width, " ")
    return _wrap_characters(text, width)


def _wrap_words(words: list[str], width: int, joiner: str) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if current and len(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _wrap_characters(text: str, width: int) -> list[str]:
    pieces = re.findall(r"[A-Za-z0-9'\u2019.,-]+ ?|\s|.", text)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece.rstrip()) > width:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines
