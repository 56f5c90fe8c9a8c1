"""Storage behind the tus 1.0 endpoint: uploads on disk, resumable, concatenable, expiring.

Why not tuspyserver's router? We checked 4.4.3 against the tus 1.0 spec and our limits and it
fell short where it matters here: it does not compare `Upload-Length` with the size cap at
creation (bytes land before the 413), creation-with-upload reads the whole body into memory, HEAD
refuses uploads whose metadata lacks `filename`/`filetype` (metadata is optional in tus), it
writes and concatenates files on the event loop while holding a blocking file lock, and nothing
deletes expired uploads. This module keeps the protocol's state; `api.routes.uploads` speaks HTTP.

Each upload is two files under the uploads directory: `<id>` (the bytes; its size *is* the
offset, so a crash never leaves offset and data disagreeing) and `<id>.json` (length, owner,
metadata, concatenation facts, expiry). A partial upload whose client said where it belongs
(`uploads.layout`) keeps its bytes at that place in a layout file instead; its offset is then
stored in its record, written only after the bytes are on disk, so it never runs ahead of them.
Ids are generated 32-hex strings and checked before any path is built. Methods block on disk
I/O: the API calls them from a worker thread.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from video_transcriber.errors import (
    UploadError,
    UploadExpiredError,
    UploadFinalError,
    UploadNotFoundError,
    UploadOffsetError,
    UploadTooLargeError,
)
from video_transcriber.uploads.concat import Source, copy_into
from video_transcriber.uploads.layout import Layouts, Placement, Region, layout_id
from video_transcriber.uploads.protocol import TUS_VERSION as TUS_VERSION
from video_transcriber.uploads.records import ID, write_record
from video_transcriber.uploads.writer import DataWriter

TUS_EXTENSIONS = (
    "creation",
    "creation-with-upload",
    "creation-defer-length",
    "termination",
    "checksum",
    "concatenation",
    "expiration",
)


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
    concat: str = ""
    """A final upload's `Upload-Concat` header as the client sent it (HEAD repeats it)."""
    layout: str | None = None
    """The layout file a laid-out partial upload's bytes live in; None: its own file."""
    start: int = 0
    """Where a laid-out part begins in its layout file."""

    @property
    def region(self) -> Region:
        return Region(self.id, self.start, self.length or 0)

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


class TusStore:
    """Uploads in one directory, each visible only to the owner that created it."""

    def __init__(self, root: Path, *, max_bytes: int, expiry_seconds: float) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.expiry_seconds = expiry_seconds
        root.mkdir(parents=True, exist_ok=True)
        self.layouts = Layouts(root / "layouts")

    # -- paths and records ------------------------------------------------------------------

    def data_path(self, upload_id: str) -> Path:
        if not ID.match(upload_id):
            raise UploadNotFoundError(_not_found())
        return self.root / upload_id

    def _info_path(self, upload_id: str) -> Path:
        return self.data_path(upload_id).with_suffix(".json")

    def _save(self, info: UploadInfo) -> None:
        record = asdict(info)
        if info.layout is None:
            record.pop("offset")  # the data file's size says it
        write_record(self._info_path(info.id), record)

    def _load(self, upload_id: str) -> UploadInfo:
        try:
            record = json.loads(self._info_path(upload_id).read_text())
            if record.get("layout") is None:
                record["offset"] = self.data_path(upload_id).stat().st_size
            elif not self.layouts.data_path(record["layout"]).exists():
                raise FileNotFoundError(record["layout"])
        except (FileNotFoundError, json.JSONDecodeError) as exc:
            raise UploadNotFoundError(_not_found()) from exc
        return UploadInfo(**record)

    def _exists(self, upload_id: str) -> bool:
        return self._info_path(upload_id).exists()

    def get(self, upload_id: str, owner: str) -> UploadInfo:
        """The upload, if `owner` created it and it has not expired."""
        info = self._load(upload_id)
        if info.owner != owner:
            raise UploadNotFoundError(_not_found())
        if info.expires < time.time():
            self._remove(upload_id, info.layout)
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
        placement: Placement | None = None,
    ) -> UploadInfo:
        """A new empty upload; refused with `UploadTooLargeError` before anything is written.

        A partial upload with a `placement` is laid out in place (`uploads.layout`)."""
        if length is not None:
            self.check_size(length)
        info = self._new_info(owner=owner, length=length, metadata=metadata, partial=partial)
        if placement is None:
            self.data_path(info.id).touch(exist_ok=False)
            self._save(info)
            return info
        return self._create_placed(info, placement)

    def _new_info(
        self,
        *,
        owner: str,
        length: int | None,
        metadata: dict[str, str],
        partial: bool = False,
        final: bool = False,
        parts: list[str] | None = None,
        concat: str = "",
    ) -> UploadInfo:
        """A new upload's record (a fresh id, expiring `expiry_seconds` from now); not saved."""
        now = time.time()
        return UploadInfo(
            id=uuid.uuid4().hex,
            owner=owner,
            length=length,
            metadata=metadata,
            created=now,
            expires=now + self.expiry_seconds,
            partial=partial,
            final=final,
            parts=[] if parts is None else parts,
            concat=concat,
        )

    def _create_placed(self, info: UploadInfo, placement: Placement) -> UploadInfo:
        if not info.partial or info.length is None:
            raise UploadError(
                "Upload-Concat-Layout is only for partial uploads (Upload-Concat: partial) with "
                "an Upload-Length."
            )
        self.check_size(placement.total)
        lid = layout_id(info.owner, placement.token)
        info = replace(info, start=placement.start, layout=lid)
        self._save(info)  # before the claim, so that other claims see this part exists
        try:
            self.layouts.claim(lid, info.owner, placement, info.region, self._exists)
        except BaseException:
            self._info_path(info.id).unlink(missing_ok=True)
            raise
        return info

    def check_size(self, size: int) -> None:
        if size < 0:
            raise UploadError("Upload-Length must be a whole number of bytes, 0 or more.")
        if size > self.max_bytes:
            raise UploadTooLargeError(too_large_message(size, self.max_bytes))

    def concatenate(
        self, *, owner: str, part_ids: list[str], metadata: dict[str, str], concat: str = ""
    ) -> UploadInfo:
        """A final upload made of finished partial uploads, in order; the parts are then deleted.

        Parts laid out to fill one layout file, in this order, become the final by a rename;
        any others are copied into a new file."""
        parts = [self._part_of_final(part_id, owner) for part_id in part_ids]
        length = sum(part.offset for part in parts)
        self.check_size(length)
        final = self._new_info(
            owner=owner,
            length=length,
            metadata=metadata,
            final=True,
            parts=list(part_ids),
            concat=concat,
        )
        lid = parts[0].layout
        if lid is not None and self.layouts.whole(lid, [part.region for part in parts]):
            self._save(final)  # then the rename: a crash between leaves a record with no bytes
            self.layouts.adopt(lid, self.data_path(final.id))
            for part in parts:
                self._info_path(part.id).unlink(missing_ok=True)
        else:
            self._copy_parts(final, parts)
        return self.get(final.id, owner)

    def _part_of_final(self, part_id: str, owner: str) -> UploadInfo:
        try:
            part = self.get(part_id, owner)
        except UploadNotFoundError as exc:
            raise UploadNotFoundError(
                f"Upload-Concat lists /files/{part_id}, which is none of your uploads (it may have "
                "expired, been deleted or been concatenated already); upload that part again."
            ) from exc
        if not part.partial or not part.complete:
            raise UploadError(
                f"Upload {part.id} is not a finished partial upload; finish uploading it "
                "(created with 'Upload-Concat: partial') before concatenating."
            )
        return part

    def _copy_parts(self, final: UploadInfo, parts: list[UploadInfo]) -> None:
        sources = [self._source(part) for part in parts]
        self._save(replace(final, length=None, final=False))  # unfinished until the copy is
        try:
            copy_into(self.data_path(final.id), sources)
        except (OSError, UploadError) as exc:
            self._remove(final.id, final.layout)
            raise UploadError(
                "The partial uploads could not be joined (the disk may be full); they are kept, "
                "so send the final request again."
            ) from exc
        self._save(final)
        for part in parts:
            self._remove(part.id, part.layout)

    def _source(self, part: UploadInfo) -> Source:
        if part.layout is None:
            return Source(self.data_path(part.id), 0, part.offset)
        return Source(self.layouts.data_path(part.layout), part.start, part.offset)

    # -- appending ------------------------------------------------------------------------------

    def begin_append(
        self, upload_id: str, owner: str, *, offset: int, length: int | None = None
    ) -> UploadInfo:
        """Check a PATCH before any byte is read: the offset, the upload's kind and its room."""
        info = self.get(upload_id, owner)
        if info.final:
            raise UploadFinalError("A concatenated upload is complete and cannot be appended to.")
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

    def open_writer(self, info: UploadInfo, digest: Any | None = None) -> DataWriter:
        """Where the next bytes of `info` go: its own file's end, or its place in its layout."""
        if info.layout is None:
            return DataWriter(self.data_path(info.id), info.offset, appends=True, digest=digest)
        path = self.layouts.data_path(info.layout)
        return DataWriter(path, info.start + info.offset, appends=False, digest=digest)

    def finish_append(self, info: UploadInfo, writer: DataWriter) -> UploadInfo:
        """Make what `writer` wrote durable, then count it; returns the upload as it now is.

        `info` is the upload as `begin_append` (or `create`) returned it, owner checked and
        expiry set from the request's start; the request holds the upload's lock, so only
        `writer` changed it since and it need not be read back."""
        writer.finish()
        info = replace(info, offset=info.offset + writer.written)
        if info.layout is not None and writer.written:
            self._save(info)
        return info

    # -- removal --------------------------------------------------------------------------------

    def delete(self, upload_id: str, owner: str) -> None:
        info = self.get(upload_id, owner)
        self._remove(upload_id, info.layout)

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
        self._remove(upload_id, info.layout)
        return info

    def _remove(self, upload_id: str, layout: str | None) -> None:
        """Delete the upload's files and release its region of `layout` (its record's)."""
        for path in (self.data_path(upload_id), self._info_path(upload_id)):
            path.unlink(missing_ok=True)
        if layout is not None:
            self.layouts.release(layout, upload_id)

    def _recorded_layout(self, upload_id: str) -> str | None:
        """The layout named in what is left of a damaged upload's record, if anything."""
        try:
            layout: str | None = json.loads(self._info_path(upload_id).read_text()).get("layout")
        except (OSError, ValueError):
            return None
        return layout

    def sweep(self, now: float | None = None) -> int:
        """Delete expired uploads (finished or not), orphaned files and layouts no part uses;
        returns how many."""
        now = time.time() if now is None else now
        stale = now - self.expiry_seconds
        removed = 0
        for upload_id in {path.name.split(".", 1)[0] for path in self.root.iterdir()}:
            if not ID.match(upload_id):
                continue
            try:
                info = self._load(upload_id)
            except UploadNotFoundError:  # half an upload: a crash between its two files
                if max(_mtimes(self.root, upload_id), default=now) < stale:
                    self._remove(upload_id, self._recorded_layout(upload_id))
                    removed += 1
                continue
            if info.expires < now:
                self._remove(upload_id, info.layout)
                removed += 1
        return removed + self.layouts.sweep(self._exists, stale)


def _mtimes(root: Path, upload_id: str) -> list[float]:
    paths = (root / upload_id, root / f"{upload_id}.json")
    return [path.stat().st_mtime for path in paths if path.exists()]


def _not_found() -> str:
    return (
        "No upload with this id exists for you (it may have expired or been used for a job); "
        "start the upload again."
    )
