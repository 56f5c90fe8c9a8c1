"""Finding and loading the Whisper model, and the errors people see when that fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.model_cache import cache_model
from video_transcriber.config import ModelSettings
from video_transcriber.engine.model import (
    bundled_model_dir,
    installed_models,
    is_english_only,
    load_model,
    resolve_model,
)
from video_transcriber.errors import ModelError


def test_default_and_tiny_en_are_the_bundled_model() -> None:
    bundled = bundled_model_dir()
    assert (Path(bundled) / "model.bin").is_file()
    assert resolve_model("tiny.en") == bundled
    assert resolve_model(None) == bundled
    assert resolve_model("") == bundled


def test_a_local_model_directory_is_used_as_is(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"")
    assert resolve_model(str(tmp_path)) == str(tmp_path)


def test_a_missing_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(str(tmp_path / "nowhere"))


def test_a_directory_without_model_bin_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match=r"no model\.bin") as caught:
        resolve_model(str(tmp_path))
    assert "ct2-transformers-converter" in str(caught.value)


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(ModelError, match="Unknown model name") as caught:
        resolve_model("tiny-english-please")
    assert "small.en" in str(caught.value)


def test_a_known_name_is_left_for_faster_whisper() -> None:
    assert resolve_model("small.en") == "small.en"
    assert resolve_model("Systran/faster-whisper-small") == "Systran/faster-whisper-small"


def test_loading_a_named_model_offline_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    settings = ModelSettings(name="small.en", download_root=tmp_path)
    with pytest.raises(ModelError) as caught:
        load_model(settings, threads=1)
    message = str(caught.value)
    assert "'small.en'" in message
    assert "local directory" in message and "model.bin" in message


def test_a_broken_model_directory_fails_with_model_error(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="Could not load"):
        load_model(ModelSettings(name=str(tmp_path)), threads=1)


def test_the_bundled_model_loads_english_only() -> None:
    model = load_model(ModelSettings(), threads=1)
    assert is_english_only(model)


def test_installed_models_are_the_ones_that_load_offline(tmp_path: Path) -> None:
    # An empty download root: nothing cached, so only the bundled and the packaged models.
    assert installed_models(tmp_path) == ["tiny.en", "base"]


def test_a_cached_model_is_installed_and_a_packaged_name_never_comes_from_the_cache(
    tmp_path: Path,
) -> None:
    cache_model(tmp_path, "small.en")
    cache_model(tmp_path, "base")  # `base` loads from its packages whatever the cache holds
    assert installed_models(tmp_path) == ["tiny.en", "base", "small.en"]
