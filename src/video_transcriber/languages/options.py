"""Checking a request's language and task against its model before any work starts (pure).

English-only models (`tiny.en`, any `*.en`) can neither translate nor transcribe another
language: asking them to would silently give English nonsense, so the CLI and the API refuse
it up front with what to choose instead. The model is judged by its name; a local directory
is trusted (its config says at load time).
"""

from __future__ import annotations

from video_transcriber.languages.catalog import language_name, parse_language

TASKS = ("transcribe", "translate")


def is_english_only_name(model: str) -> bool:
    """Whether a model name is an English-only Whisper model (`tiny.en`, `small.en`, ...)."""
    return model.strip().lower().endswith(".en")


def check_language_options(model: str, language: str | None, task: str | None) -> str | None:
    """The language code to use (None: detect); ValueError saying what to do when the model
    cannot do what is asked."""
    code = parse_language(language)
    if task is not None and task not in TASKS:
        raise ValueError(f"Unknown task {task!r}: use transcribe or translate.")
    if not is_english_only_name(model):
        return code
    if task == "translate":
        raise ValueError(
            f"{model} is an English-only model and cannot translate: use a multilingual "
            'model (--model base, API model "base").'
        )
    if code not in (None, "en"):
        raise ValueError(
            f"{model} only transcribes English, not {language_name(code)}: use a multilingual "
            'model (--model base, API model "base"), or language auto.'
        )
    return code
