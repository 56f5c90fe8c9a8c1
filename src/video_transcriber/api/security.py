"""API keys and job ownership.

With no keys configured the service is open and every caller is the same anonymous owner. With
keys, every API call needs `Authorization: Bearer <key>`, and the caller's *owner* is the SHA-256
of the key: jobs and uploads are stored with it, and other owners' jobs answer 404, as if they
did not exist. Keys themselves are never stored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from pydantic import SecretStr

ANONYMOUS = ""
"""The owner of everything when no API keys are configured."""


def owner_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """The configured keys, as owner hashes; `owner_for` checks a presented key."""

    def __init__(self, keys: Iterable[SecretStr]) -> None:
        self._owners = [owner_of(key.get_secret_value()) for key in keys]

    @property
    def required(self) -> bool:
        return bool(self._owners)

    def owner_for(self, authorization: str | None) -> str | None:
        """The owner for an `Authorization` header, or None if the key is missing or unknown."""
        if not self.required:
            return ANONYMOUS
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        presented = owner_of(key.strip())
        found = None
        for owner in self._owners:  # compare with every key, so timing says nothing
            if hmac.compare_digest(owner, presented):
                found = owner
        return found
