"""tus `Upload-Metadata`: comma-separated `key base64value` pairs, the value optional.

Metadata is the client's (a file name, a type); it is kept, shown back on HEAD and never used to
build a path.
"""

from __future__ import annotations

import base64
import binascii
import re

from video_transcriber.errors import UploadError

KEY_PATTERN = r"[A-Za-z0-9._-]{1,64}"
"""A metadata key (unanchored, for the OpenAPI document too)."""
_KEY = re.compile(f"^{KEY_PATTERN}$")
MAX_METADATA_CHARS = 4096


def parse_metadata(header: str | None) -> dict[str, str]:
    """Decode `Upload-Metadata`: comma-separated `key base64value` pairs (the value is optional)."""
    if not header:
        return {}
    if len(header) > MAX_METADATA_CHARS:
        raise UploadError("Upload-Metadata is too long; send only a file name and type.")
    metadata: dict[str, str] = {}
    for pair in header.split(","):
        key, _, value = pair.strip().partition(" ")
        if not _KEY.match(key) or key in metadata:
            raise UploadError(f"Upload-Metadata has an invalid or repeated key {key!r}.")
        try:
            metadata[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise UploadError(
                f"Upload-Metadata value for {key!r} is not base64-encoded UTF-8."
            ) from exc
    return metadata


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items()
    )
