"""How uploads and layouts are kept on disk: 32-hex ids, checked before any path is built, and
JSON records replaced atomically (a reader sees the old record or the new one, never half)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ID_PATTERN = r"[0-9a-f]{32}"
ID = re.compile(f"^{ID_PATTERN}$")
"""An upload's or a layout's id; anything else never reaches the file system."""


def write_record(path: Path, record: dict[str, object]) -> None:
    """Write `record` as JSON to `path` by way of `<path>.tmp` and a rename."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record))
    os.replace(temporary, path)
