"""What lets a rerun of `upload` resume instead of starting again: a content fingerprint of the
file and the upload URLs remembered for it, per server, in a small JSON file."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import IO

from tusclient.fingerprint.interface import Fingerprint
from tusclient.storage.interface import Storage

SAMPLE_BYTES = 1024 * 1024
"""The fingerprint hashes this much of the file's start and end, plus its size."""


class ContentFingerprint(Fingerprint):
    """Size plus SHA-256 of the first and last MiB: the same file matches wherever it moved."""

    def get_fingerprint(self, fs: IO[bytes]) -> str:
        fs.seek(0, os.SEEK_END)
        size = fs.tell()
        digest = hashlib.sha256(str(size).encode())
        fs.seek(0)
        digest.update(fs.read(SAMPLE_BYTES))
        fs.seek(max(0, size - SAMPLE_BYTES))
        digest.update(fs.read(SAMPLE_BYTES))
        return f"{size}:{digest.hexdigest()}"


def file_fingerprint(path: Path) -> str:
    with path.open("rb") as stream:
        return ContentFingerprint().get_fingerprint(stream)


class UploadState(Storage):
    """Upload URLs by `<server> <fingerprint>`, in a JSON file rewritten atomically (the parts
    of a parallel upload are created from several threads, so each change holds a lock)."""

    def __init__(self, path: Path, server: str) -> None:
        self.path = path.expanduser()
        self.server = server
        self._lock = threading.Lock()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)

    def _key(self, key: str) -> str:
        return f"{self.server} {key}"

    def get_item(self, key: str) -> str | None:
        return self._read().get(self._key(key))

    def set_item(self, key: str, value: str | None) -> None:
        if value is None:  # tuspy stores "no URL known" too; that is just absence
            self.remove_item(key)
            return
        with self._lock:
            self._write({**self._read(), self._key(key): value})

    def remove_item(self, key: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(self._key(key), None) is not None:
                self._write(data)
