"""Shared fixtures: the real-speech corpus and scratch directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from video_transcriber.evaluation.corpus import Clip, load_manifest, speech_dir

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REAL_SERVER_MARKERS = ("browser", "scaleout")
"""Tests of these groups may skip on a developer's machine that lacks Chromium, Redis or
PostgreSQL, but CI installs all of them, so there a skip means something is broken."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("CI") == "true"
        and report.skipped
        and any(item.get_closest_marker(name) for name in REAL_SERVER_MARKERS)
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, where it must run: {report.longrepr}"


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
