"""Storage behind the tus 1.0 endpoint: uploads on disk, resumable, concatenable, expiring.

Why not tuspyserver's router? We checked 4.4.3 against the tus 1.0 spec and our limits and it
fell short where it matters here: it does not compare `Upload-Length` with the size cap at
creation (bytes land before the 413), creation-with-upload reads the whole body into memory, HEAD
refuses uploads whose metadata lacks `filename`/`filetype` (metadata is optional in tus), it
writes and concatenates files on the event loop while holding a blocking file lock, and nothing
deletes expired uploads. This module keeps the protocol's state; `api.routes.uploads` speaks HTTP.

Each upload is two files under the uploads directory: `<id>` (the bytes; its size *is* the
offset, so a crash never leaves offset and data disagreeing) and `<id>.json` (length, owner,
metadata, concatenation facts, expiry). Ids are generated 32-hex strings and checked before any
path is built. Methods block on disk I/O: the API calls them from a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from video_transcriber.errors import (
    UploadError,
    UploadExpiredError,
    UploadNotFoundError,
    UploadOffsetError,
    UploadTooLargeError,
)

TUS_VERSION = "1.0.0"
"""The tus protocol version spoken (the `Tus-Resumable` header on every `/files` response)."""
TUS_EXTENSIONS = (
    "creation",
    "creation-with-upload",
    "creation-defer-length",
    "termination",
    "concatenation",
    "expiration",
)

_ID = re.compile(r"^[0-9a-f]{32}$")
_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_METADATA_CHARS = 4096
MAX_PARTS = 256
COPY_BLOCK = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class UploadInfo:
    id: str
    owner: str
    length: int | None
    """Declared total size; None while the length is deferred."""
    metadata: dict[str, str]
    created: float
    expires: float
    offset: int = 0
    partial: bool = False
    final: bool = False
    parts: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.length is not None and self.offset == self.length

    @property
    def filename(self) -> str:
        return self.metadata.get("filename") or self.metadata.get("name") or "upload"


def too_large_message(size: int, limit: int) -> str:
    return (
        f"This file is {size / 1024**2:,.1f} MB; the limit is {limit / 1024**2:,.0f} MB. "
        "Trim or compress it (for example, extract the audio with ffmpeg), or ask the operator "
        "to raise VT_SERVICE__MAX_UPLOAD_BYTES."
    )


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


class TusStore:
    """Uploads in one directory, each visible only to the owner that created it."""

    def __init__(self, root: Path, *, max_bytes: int, expiry_seconds: float) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.expiry_seconds = expiry_seconds
        root.mkdir(parents=True, exist_ok=True)

    # -- paths and records ------------------------------------------------------------------

    def data_path(self, upload_id: str) -> Path:
        if not _ID.match(upload_id):
            raise UploadNotFoundError(_not_found())
        return self.root / upload_id

    def _info_path(self, upload_id: str) -> Path:
        return self.data_path(upload_id).with_suffix(".json")

    def _save(self, info: UploadInfo) -> None:
        record = asdict(info)
        record.pop("offset")
        temporary = self._info_path(info.id).with_suffix(".json.tmp")
        temporary.write_text(json.dumps(record))
        os.replace(temporary, self._info_path(info.id))

    def _load(self, upload_id: str) -> UploadInfo:
        try:
            record = json.loads(self._info_path(upload_id).read_text())
            offset = self.data_path(upload_id).stat().st_size
        except (FileNotFoundError, json.JSONDecodeError) as exc:
            raise UploadNotFoundError(_not_found()) from exc
        return UploadInfo(**record, offset=offset)

    def get(self, upload_id: str, owner: str) -> UploadInfo:
        """The upload, if `owner` created it and it has not expired."""
        info = self._load(upload_id)
        if info.owner != owner:
            raise UploadNotFoundError(_not_found())
        if info.expires < time.time():
            self._remove(upload_id)
            raise UploadExpiredError(
                "This upload expired before it finished and was deleted; upload the file again."
            )
        return info

    # -- creation -----------------------------------------------------------------------------

    def create(
        self,
        *,
        owner: str,
        length: int | None,
        metadata: dict[str, str],
        partial: bool = False,
    ) -> UploadInfo:
        """A new empty upload; refused with `UploadTooLargeError` before anything is written."""
        if length is not None:
            self.check_size(length)
        now = time.time()
        info = UploadInfo(
            id=uuid.uuid4().hex,
            owner=owner,
            length=length,
            metadata=metadata,
            created=now,
            expires=now + self.expiry_seconds,
            partial=partial,
        )
        self.data_path(info.id).touch(exist_ok=False)
        self._save(info)
        return info

    def check_size(self, size: int) -> None:
        if size < 0:
            raise UploadError("Upload-Length must be a whole number of bytes, 0 or more.")
        if size > self.max_bytes:
            raise UploadTooLargeError(too_large_message(size, self.max_bytes))

    def concatenate(
        self, *, owner: str, part_ids: list[str], metadata: dict[str, str]
    ) -> UploadInfo:
        """A final upload made of finished partial uploads, in order; the parts are then deleted."""
        if not 1 <= len(part_ids) <= MAX_PARTS or len(set(part_ids)) != len(part_ids):
            raise UploadError(
                f"Upload-Concat must list between 1 and {MAX_PARTS} different partial uploads."
            )
        parts = [self.get(part_id, owner) for part_id in part_ids]
        for part in parts:
            if not part.partial or not part.complete:
                raise UploadError(
                    f"Upload {part.id} is not a finished partial upload; finish uploading it "
                    "(created with 'Upload-Concat: partial') before concatenating."
                )
        self.check_size(sum(part.offset for part in parts))
        final = self.create(owner=owner, length=None, metadata=metadata)
        try:
            self._copy_parts(final.id, parts)
        except OSError as exc:
            self._remove(final.id)
            raise UploadError(
                "A partial upload changed while it was being concatenated; upload it again."
            ) from exc
        length = sum(part.offset for part in parts)
        self._save(replace(final, length=length, final=True, parts=list(part_ids)))
        for part in parts:
            self._remove(part.id)
        return self.get(final.id, owner)

    def _copy_parts(self, final_id: str, parts: list[UploadInfo]) -> None:
        with self.data_path(final_id).open("wb") as out:
            for part in parts:
                with self.data_path(part.id).open("rb") as source:
                    while block := source.read(COPY_BLOCK):
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())

    # -- appending ------------------------------------------------------------------------------

    def begin_append(
        self, upload_id: str, owner: str, *, offset: int, length: int | None = None
    ) -> UploadInfo:
        """Check a PATCH before any byte is read: the offset, the upload's kind and its room."""
        info = self.get(upload_id, owner)
        if info.final:
            raise UploadOffsetError("A concatenated upload is complete and cannot be appended to.")
        if length is not None and info.length is None:
            self.check_size(length)
            if length < info.offset:
                raise UploadError("Upload-Length is smaller than what was already uploaded.")
            info = replace(info, length=length)
        elif length is not None and length != info.length:
            raise UploadError("Upload-Length cannot change once it is set.")
        if offset != info.offset:
            raise UploadOffsetError(
                f"Upload-Offset {offset} does not match the server's {info.offset}; "
                "send HEAD to get the current offset and resume from there."
            )
        info = replace(info, expires=time.time() + self.expiry_seconds)
        self._save(info)
        return info

    def room(self, info: UploadInfo) -> int:
        """Bytes the upload may still receive."""
        limit = info.length if info.length is not None else self.max_bytes
        return limit - info.offset

    def open_data(self, upload_id: str) -> BinaryIO:
        return self.data_path(upload_id).open("ab")

    # -- removal --------------------------------------------------------------------------------

    def delete(self, upload_id: str, owner: str) -> None:
        self.get(upload_id, owner)
        self._remove(upload_id)

    def take(self, upload_id: str, owner: str, destination: Path) -> UploadInfo:
        """Move a finished upload's bytes to `destination` (same file system) and forget it."""
        info = self.get(upload_id, owner)
        if info.partial:
            raise UploadError(
                "This is a partial upload; concatenate the parts (Upload-Concat: final;...) and "
                "create the job from the final upload."
            )
        if not info.complete:
            raise UploadError(
                f"This upload is unfinished ({info.offset} of {info.length} bytes); resume it "
                "until it completes, then create the job."
            )
        try:
            os.replace(self.data_path(upload_id), destination)
        except FileNotFoundError as exc:  # another request took it a moment ago
            raise UploadNotFoundError(_not_found()) from exc
        self._remove(upload_id)
        return info

    def _remove(self, upload_id: str) -> None:
        for path in (self.data_path(upload_id), self._info_path(upload_id)):
            path.unlink(missing_ok=True)

    def sweep(self, now: float | None = None) -> int:
        """Delete expired uploads (finished or not) and orphaned files; returns how many."""
        now = time.time() if now is None else now
        removed = 0
        for path in self.root.iterdir():
            upload_id = path.name.split(".", 1)[0]
            if not _ID.match(upload_id) or path.suffix == ".json":
                continue
            try:
                expired = self._load(upload_id).expires < now
            except UploadNotFoundError:
                expired = path.stat().st_mtime + self.expiry_seconds < now
            if expired:
                self._remove(upload_id)
                removed += 1
        return removed


def _not_found() -> str:
    return (
        "No upload with this id exists for you (it may have expired or been used for a job); "
        "start the upload again."
    )
