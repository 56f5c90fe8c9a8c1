"""The real-speech corpus in `../shared/data/speech` and its reference transcripts."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def speech_dir() -> Path:
    """Where the corpus lives: `$VT_SPEECH_DIR`, else `../shared/data/speech` beside the repo."""
    override = os.environ.get("VT_SPEECH_DIR")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data" / "speech"


@dataclass(frozen=True, slots=True)
class Clip:
    """One corpus item with its exact reference transcript."""

    path: Path
    duration: float
    language: str
    kind: str
    reference: str

    @property
    def name(self) -> str:
        return self.path.name


def load_manifest(directory: Path | None = None) -> list[Clip]:
    """Every clip listed in `manifest.tsv`, in file order."""
    directory = directory or speech_dir()
    with (directory / "manifest.tsv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Clip(
            path=directory / row["file"],
            duration=float(row["duration_seconds"]),
            language=row["language"],
            kind=row["kind"],
            reference=row["reference_text"],
        )
        for row in rows
    ]


def english_utterances(directory: Path | None = None) -> list[Clip]:
    """The English single-utterance clips, the building blocks of synthetic lectures."""
    return [c for c in load_manifest(directory) if c.language == "en" and c.kind == "utterance"]


def clip(name: str, directory: Path | None = None) -> Clip:
    """One clip by file name."""
    for item in load_manifest(directory):
        if item.name == name:
            return item
    raise KeyError(name)


def english_speech(directory: Path | None = None) -> list[Clip]:
    """Every English clip but the long-form items: read, spontaneous, disfluent, telephone-band,
    non-native and children's speech (the material of the robustness lectures)."""
    return [c for c in load_manifest(directory) if c.language == "en" and c.kind != "long-form"]
