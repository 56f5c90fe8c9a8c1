"""Media fixtures generated on the fly (never committed): one short file per container."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.evaluation.lecture import CONTAINERS, make_media_fixture

FIXTURE_SECONDS = 4.0


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def container_files(media_dir: Path) -> dict[str, Path]:
    """`FIXTURE_SECONDS` of synthetic voice in every container `CONTAINERS` knows."""
    return {
        name: make_media_fixture(
            media_dir / f"fixture_{name}{spec.suffix}", name, seconds=FIXTURE_SECONDS
        )
        for name, spec in CONTAINERS.items()
    }
