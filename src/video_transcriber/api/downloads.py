"""Names for files the API sends: `Content-Disposition` headers and safe file-name stems.

A job's name is whatever its uploader typed, so the header carries an ASCII-safe `filename` for
old clients and the exact name in RFC 5987 form (`filename*`) for the rest.
"""

from __future__ import annotations

import re
from urllib.parse import quote


def content_disposition(name: str, extension: str) -> str:
    """`attachment` with an ASCII-safe filename and the exact one in RFC 5987 form."""
    exact = quote(f"{name}.{extension}", safe="")
    return f"attachment; filename=\"{safe_stem(name)}.{extension}\"; filename*=UTF-8''{exact}"


def safe_stem(name: str) -> str:
    """`name` as a file-name stem of letters, digits, `-` and `_`, at most 100 characters."""
    stem = re.sub(r"[^A-Za-z0-9-]+", "_", name).strip("_-")[:100]
    return stem or "transcript"
