"""The tus `checksum` extension: `Upload-Checksum: <algorithm> <base64 digest>` on a PATCH.

The digest is computed as the bytes are written; when the request ends the bytes count only if
it matches (else 460 Checksum Mismatch and the upload's offset stays where it was). An algorithm
this server lacks is refused (400) before any byte is read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from video_transcriber.errors import UploadError

ALGORITHMS = ("md5", "sha1", "sha256")
"""What `Tus-Checksum-Algorithm` announces (tus requires sha1)."""


@dataclass(frozen=True, slots=True)
class Checksum:
    algorithm: str
    expected: bytes

    def new(self) -> Any:
        """A fresh hashlib object to feed the request's bytes to."""
        return hashlib.new(self.algorithm)

    def matches(self, digest: Any) -> bool:
        return hmac.compare_digest(digest.digest(), self.expected)


def parse_checksum(header: str | None) -> Checksum | None:
    if header is None:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm not in ALGORITHMS:
        raise UploadError(
            f"Upload-Checksum algorithm {algorithm!r} is not supported; use one of "
            f"{', '.join(ALGORITHMS)}."
        )
    try:
        expected = base64.b64decode(value.strip(), validate=True)
    except binascii.Error as exc:
        raise UploadError("Upload-Checksum must be '<algorithm> <base64 digest>'.") from exc
    return Checksum(algorithm, expected)
