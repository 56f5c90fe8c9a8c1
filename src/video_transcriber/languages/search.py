"""Full-text search per language: which PostgreSQL text search configuration a language uses.

SQLite's FTS5 index uses the `unicode61 remove_diacritics 2` tokenizer for every language (it
folds case and accents the same way for all scripts); PostgreSQL stems, so each session is
indexed and queried with its language's dictionary, and languages PostgreSQL ships no stemmer
for use `simple` (lower-casing only). `unaccent` is not assumed installed: accents are folded
in the query and the stored text before they reach PostgreSQL (`languages.folding`).
"""

from __future__ import annotations

POSTGRES_CONFIGS: dict[str, str] = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nn": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
"""Snowball configurations PostgreSQL 13+ ships, by Whisper language code."""

FALLBACK_CONFIG = "simple"

SQLITE_TOKENIZER = "unicode61 remove_diacritics 2"
"""FTS5 tokenizer: Unicode word rules, case folded, diacritics removed (also of letters that
lose marks only in decomposed form)."""


def postgres_config(language: str | None) -> str:
    """The text search configuration for `language` (`simple` for unknown or none)."""
    return POSTGRES_CONFIGS.get((language or "").lower(), FALLBACK_CONFIG)
