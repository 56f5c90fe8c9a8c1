"""Assembling packaged models: the real Whisper base from its two installed packages, racing
processes, and damaged parts refused with what to do (small stand-in packages on sys.path)."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from dataclasses import replace
from pathlib import Path

import pytest

from video_transcriber.errors import ModelError
from video_transcriber.models import CATALOG, PackagedModel, Part, assembled_dir, locate
from video_transcriber.models.assembly import MODEL_FILE

BASE = CATALOG["base"]


def test_base_is_assembled_whole_and_checked(tmp_path: Path) -> None:
    directory = locate("base", tmp_path)
    assert directory is not None and directory.parent == tmp_path
    binary = directory / MODEL_FILE
    assert binary.stat().st_size == 94_371_840 + 50_845_767
    assert hashlib.sha256(binary.read_bytes()).hexdigest() == BASE.sha256
    assert {p.name for p in directory.iterdir()} == {
        MODEL_FILE, "config.json", "tokenizer.json", "vocabulary.json"
    }  # fmt: skip
    written = binary.stat().st_mtime_ns
    assert locate("base", tmp_path) == directory  # a second start reuses it
    assert binary.stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.iterdir()] == [directory.name]  # no staging left behind


def test_unknown_names_are_not_packaged(tmp_path: Path) -> None:
    assert locate("small.en", tmp_path) is None
    assert not any(tmp_path.iterdir())


def _assemble(cache: str) -> str:
    return str(locate("base", Path(cache)))


def test_processes_racing_get_one_complete_copy(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        paths = pool.map(_assemble, [str(tmp_path)] * 3)
    assert len(set(paths)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [Path(paths[0]).name]
    assert (Path(paths[0]) / MODEL_FILE).stat().st_size == BASE.size


def test_a_truncated_copy_is_replaced(tmp_path: Path) -> None:
    directory = locate("base", tmp_path)
    assert directory is not None
    with (directory / MODEL_FILE).open("r+b") as handle:
        handle.truncate(1000)
    assert locate("base", tmp_path) == directory
    assert (directory / MODEL_FILE).stat().st_size == BASE.size


def _stand_in(root: Path, sizes: tuple[int, int]) -> tuple[PackagedModel, bytes]:
    """A two-part model in a package `vt_stand_in` under `root`, with its true checksum."""
    data = root / "vt_stand_in" / "data"
    data.mkdir(parents=True)
    (data.parent / "__init__.py").write_text("")
    payload = os.urandom(sum(sizes))
    (data / "a").write_bytes(payload[: sizes[0]])
    (data / "b").write_bytes(payload[sizes[0] :])
    (data / "config.json").write_text("{}")
    model = PackagedModel(
        name="stand-in",
        parts=(Part("vt_stand_in", "data/a", sizes[0]), Part("vt_stand_in", "data/b", sizes[1])),
        sha256=hashlib.sha256(payload).hexdigest(),
        extras=(("vt_stand_in", "data/config.json"),),
        multilingual=True,
        distribution="vt-stand-in",
    )
    return model, payload


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[PackagedModel, bytes]:
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    return _stand_in(tmp_path / "site", (3000, 1234))


def test_stand_in_assembles(stand_in: tuple[PackagedModel, bytes], tmp_path: Path) -> None:
    model, payload = stand_in
    directory = assembled_dir(model, tmp_path / "cache")
    assert (directory / MODEL_FILE).read_bytes() == payload


def test_a_part_of_the_wrong_size_is_refused(
    stand_in: tuple[PackagedModel, bytes], tmp_path: Path
) -> None:
    model, _ = stand_in
    damaged = replace(model, parts=(model.parts[0], Part("vt_stand_in", "data/b", 99)))
    with pytest.raises(ModelError, match=r"damaged\. Reinstall `vt-stand-in`"):
        assembled_dir(damaged, tmp_path / "cache")
    assert not any((tmp_path / "cache").iterdir())  # nothing half-written is left


def test_a_wrong_checksum_is_refused(stand_in: tuple[PackagedModel, bytes], tmp_path: Path) -> None:
    model, _ = stand_in
    tampered = replace(model, sha256="0" * 64)
    with pytest.raises(ModelError, match="SHA-256"):
        assembled_dir(tampered, tmp_path / "cache")
    assert not any((tmp_path / "cache").iterdir())


def test_a_missing_package_says_what_to_install(tmp_path: Path) -> None:
    missing = PackagedModel(
        "gone", (Part("vt_not_installed_anywhere", "data/a", 1),), "0" * 64, (), True, "vt[extra]"
    )
    with pytest.raises(ModelError, match=r"vt-not-installed-anywhere: install `vt\[extra\]`"):
        assembled_dir(missing, tmp_path)
