"""Unicode-aware matching text: case folded and accents removed, with the way back to the original.

Keywords, emphasis phrases and search terms must find "Prüfung" for "prufung" and "PRÜFUNG",
"straße" for "STRASSE", "élève" for "eleve": the text is folded (full case folding, then
canonical decomposition with the combining marks dropped, then recomposition) one character
at a time, and every folded character remembers which original character it came from, so a
match in the folded text maps back to the exact span of the original (to time it and highlight
it). Characters that fold to several (ß → ss) map every piece back to the one original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=4096)
def fold_character(character: str) -> str:
    """One character case folded with its accents removed (may be several or none)."""
    decomposed = unicodedata.normalize("NFKD", character.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    """`text` case folded and without accents: the form keywords and text are compared in."""
    return "".join(fold_character(c) for c in unicodedata.normalize("NFC", text))


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A folded copy of `original` and, per folded character, its index in `original`."""

    original: str
    text: str
    origins: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> FoldedText:
        pieces: list[str] = []
        origins: list[int] = []
        for index, character in enumerate(original):
            folded = fold_character(character)
            pieces.append(folded)
            origins.extend([index] * len(folded))
        return cls(original, "".join(pieces), tuple(origins))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original `[start, end)` that folded `[start, end)` came from."""
        if start >= len(self.origins):
            return len(self.original), len(self.original)
        last = self.origins[max(start, end - 1)] + 1 if end > start else self.origins[start]
        return self.origins[start], last


_FOLDABLE_BLOCKS = ((0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x1E00, 0x1EFF))
"""Latin (with its extensions), Greek and Cyrillic: the letters that carry accents."""
_COMBINING = "[\u0300-\u036f]*"


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Each folded letter and every letter of the accented blocks that folds to it."""
    found: dict[str, set[str]] = {}
    for first, last in _FOLDABLE_BLOCKS:
        for code in range(first, last + 1):
            character = chr(code)
            folded = fold_character(character)
            if len(folded) == 1 and folded != character:
                found.setdefault(folded, {folded}).add(character)
    return {key: "".join(sorted(chars)) for key, chars in found.items()}


def loose_pattern(token: str) -> str:
    """A regular expression (to use with re.IGNORECASE) matching `token` in any case and with
    or without accents, also where the text keeps them as combining marks: "eleve" matches
    "élève", "Élève" and "e\u0301le\u0300ve"; "strasse" and "straße" match each other."""
    folded = fold(token)
    pieces: list[str] = []
    index = 0
    while index < len(folded):
        if folded.startswith("ss", index):
            pieces.append(f"(?:ss|\u00df|\u1e9e){_COMBINING}")
            index += 2
            continue
        character = folded[index]
        variants = _variants().get(character)
        body = f"[{re.escape(variants)}]" if variants else re.escape(character)
        pieces.append(body + (_COMBINING if variants else ""))
        index += 1
    return "".join(pieces)
