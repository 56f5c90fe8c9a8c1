"""Shared fixtures: the real-speech corpus and scratch directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from video_transcriber.evaluation.corpus import Clip, load_manifest, speech_dir

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def speech_corpus_dir() -> Path:
    directory = speech_dir()
    if not (directory / "manifest.tsv").exists():
        pytest.fail(f"real-speech corpus not found at {directory}; it must sit beside the repo")
    return directory


@pytest.fixture(scope="session")
def corpus(speech_corpus_dir: Path) -> list[Clip]:
    return load_manifest(speech_corpus_dir)


@pytest.fixture(scope="session")
def jfk_clip(corpus: list[Clip]) -> Clip:
    return next(c for c in corpus if c.name == "jfk_inaugural_excerpt.flac")
