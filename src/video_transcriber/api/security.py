"""API keys, job ownership and signed link tokens.

With no keys configured the service is open and every caller is the same anonymous owner. With
keys, every API call needs `Authorization: Bearer <key>`, and the caller's *owner* is the SHA-256
of the key: jobs and uploads are stored with it, and other owners' jobs answer 404, as if they
did not exist. Keys themselves are never stored.

A browser cannot put that header on an `<audio>` source, a download link or an `EventSource`,
so a key holder can ask for a *link token* (`LinkSigner`): an HMAC-SHA256, keyed with
`service.secret_key`, over one job id, its owner and an expiry. `api.deps.get_reader` accepts it
as `?token=` on GET requests for that job's media, transcript, events and insights only. The
raw API key is never accepted in a query string: URLs end up in logs and browser history.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import SecretStr

ANONYMOUS = ""
"""The owner of everything when no API keys are configured."""


def owner_of(key: str) -> str:
    """The owner hash stored with a key's jobs and uploads."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """The configured keys, as owner hashes; `owner_for` checks a presented key."""

    def __init__(self, keys: Iterable[SecretStr]) -> None:
        self._owners = [owner_of(key.get_secret_value()) for key in keys]

    @property
    def required(self) -> bool:
        """Whether any keys are configured (else everyone is the anonymous owner)."""
        return bool(self._owners)

    def knows(self, owner: str) -> bool:
        """Whether `owner` is one of the configured keys' owners (for signed live tokens)."""
        return any(hmac.compare_digest(owner, known) for known in self._owners)

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


@dataclass(frozen=True, slots=True)
class LinkToken:
    """A signed token for one job's GET-only resources, valid until `expires_at` (Unix time)."""

    token: str
    expires_at: int


class LinkSigner:
    """Mints and checks link tokens: `<expiry>.<base64url HMAC-SHA256>`.

    The signed message is the token version, job id, owner and expiry, so a token is good for
    one job of one owner until it expires, and nobody without `secret_key` can make one. The
    owner is not in the token (it is a hash of the API key); `verify` is given the job's stored
    owner instead.
    """

    VERSION = "v1"

    def __init__(self, secret: SecretStr, *, ttl_seconds: float) -> None:
        self._secret = secret.get_secret_value().encode("utf-8")
        self._ttl = ttl_seconds

    def mint(self, job_id: str, owner: str, *, now: float | None = None) -> LinkToken:
        """A token for `job_id` of `owner`, valid for the configured lifetime from `now`."""
        expires = int((time.time() if now is None else now) + self._ttl)
        return LinkToken(f"{expires}.{self._signature(job_id, owner, expires)}", expires)

    def verify(self, token: str, job_id: str, owner: str, *, now: float | None = None) -> bool:
        """True if `token` was minted here for this job and owner and has not expired."""
        expiry, _, signature = token.partition(".")
        if not expiry.isdigit() or len(expiry) > 12 or not signature:
            return False
        if int(expiry) < (time.time() if now is None else now):
            return False
        expected = self._signature(job_id, owner, int(expiry))
        return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))

    def _signature(self, job_id: str, owner: str, expires: int) -> str:
        message = f"{self.VERSION}\n{job_id}\n{owner}\n{expires}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
