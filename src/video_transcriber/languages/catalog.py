"""The languages Whisper knows: ISO codes, their names, and reading what people type.

Names are Whisper's own (lower-case English, as its tokenizer and OpenAI's `verbose_json` use
them). `parse_language` accepts a code (`de`), a name (`German`) or `auto`, so the CLI, the API
and the OpenAI-compatible routes read a language the same way.
"""

from __future__ import annotations

AUTO = "auto"
"""Detect the language (the default with a multilingual model)."""

WHISPER_LANGUAGES: dict[str, str] = {
    "en": "english", "zh": "chinese", "de": "german", "es": "spanish", "ru": "russian",
    "ko": "korean", "fr": "french", "ja": "japanese", "pt": "portuguese", "tr": "turkish",
    "pl": "polish", "ca": "catalan", "nl": "dutch", "ar": "arabic", "sv": "swedish",
    "it": "italian", "id": "indonesian", "hi": "hindi", "fi": "finnish", "vi": "vietnamese",
    "he": "hebrew", "uk": "ukrainian", "el": "greek", "ms": "malay", "cs": "czech",
    "ro": "romanian", "da": "danish", "hu": "hungarian", "ta": "tamil", "no": "norwegian",
    "th": "thai", "ur": "urdu", "hr": "croatian", "bg": "bulgarian", "lt": "lithuanian",
    "la": "latin", "mi": "maori", "ml": "malayalam", "cy": "welsh", "sk": "slovak",
    "te": "telugu", "fa": "persian", "lv": "latvian", "bn": "bengali", "sr": "serbian",
    "az": "azerbaijani", "sl": "slovenian", "kn": "kannada", "et": "estonian",
    "mk": "macedonian", "br": "breton", "eu": "basque", "is": "icelandic", "hy": "armenian",
    "ne": "nepali", "mn": "mongolian", "bs": "bosnian", "kk": "kazakh", "sq": "albanian",
    "sw": "swahili", "gl": "galician", "mr": "marathi", "pa": "punjabi", "si": "sinhala",
    "km": "khmer", "sn": "shona", "yo": "yoruba", "so": "somali", "af": "afrikaans",
    "oc": "occitan", "ka": "georgian", "be": "belarusian", "tg": "tajik", "sd": "sindhi",
    "gu": "gujarati", "am": "amharic", "yi": "yiddish", "lo": "lao", "uz": "uzbek",
    "fo": "faroese", "ht": "haitian creole", "ps": "pashto", "tk": "turkmen", "nn": "nynorsk",
    "mt": "maltese", "sa": "sanskrit", "lb": "luxembourgish", "my": "myanmar", "bo": "tibetan",
    "tl": "tagalog", "mg": "malagasy", "as": "assamese", "tt": "tatar", "haw": "hawaiian",
    "ln": "lingala", "ha": "hausa", "ba": "bashkir", "jw": "javanese", "su": "sundanese",
    "yue": "cantonese",
}  # fmt: skip
"""Every language code Whisper's multilingual models decode, with Whisper's name for it."""

_BY_NAME = {name: code for code, name in WHISPER_LANGUAGES.items()}


def language_name(code: str) -> str:
    """Whisper's name for `code` (`de` → `german`); unknown codes come back as they are."""
    return WHISPER_LANGUAGES.get(code, code)


def parse_language(value: str | None) -> str | None:
    """A Whisper language code from a code, a name or `auto`; None means detect.

    Raises ValueError with what to type instead when the value names no Whisper language.
    """
    if value is None:
        return None
    cleaned = value.strip().lower()
    if cleaned in ("", AUTO):
        return None
    if cleaned in WHISPER_LANGUAGES:
        return cleaned
    if cleaned in _BY_NAME:
        return _BY_NAME[cleaned]
    raise ValueError(
        f"Unknown language {value!r}: use `auto` to detect it, or a Whisper language code "
        "such as en, de, fr, es, pt, it, zh, ja (or its English name, e.g. German)."
    )
