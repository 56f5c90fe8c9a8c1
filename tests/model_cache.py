"""A Hugging Face cache on disk, as faster-whisper leaves it after downloading a model.

`cache_model(root, "small.en")` writes `models--Systran--faster-whisper-small.en` with a ref, a
snapshot and its `model.bin` as a link to a blob, the layout `huggingface_hub.scan_cache_dir`
reads. The weights are a few junk bytes: the model is *listed* as installed, and loading it fails
the way a damaged download does.
"""

from __future__ import annotations

from pathlib import Path

REVISION = "0" * 40


def cache_model(root: Path, name: str) -> Path:
    """The repo directory of faster-whisper model `name` in the cache at `root`."""
    repo = root / f"models--Systran--faster-whisper-{name}"
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(REVISION)
    (repo / "blobs").mkdir(exist_ok=True)
    (repo / "blobs" / "weights").write_bytes(b"not a CTranslate2 model")
    snapshot = repo / "snapshots" / REVISION
    snapshot.mkdir(parents=True, exist_ok=True)
    (snapshot / "model.bin").symlink_to(Path("..", "..", "blobs", "weights"))
    return repo
