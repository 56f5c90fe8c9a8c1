"""Partial uploads laid out in place, so that concatenating them is a rename, not a copy.

tus concatenation joins finished partial uploads, in the order a later final request lists them,
into one new upload. Stored each on its own, the parts must then be copied into a new file: every
byte written twice, and four parallel parts on one disk were slower than one stream (0.29x of
dd). A client that already knows how it cut the file can say so when it creates each part:

    Upload-Concat: partial
    Upload-Concat-Layout: <token> <start> <total>

"this part is the bytes from `start` of a file of `total` bytes that I will declare from the parts
sharing `token`". The part's bytes are then written at that place in one sparse layout file per
owner and token, and when a final lists exactly that layout's parts, in the order of their places,
the layout file becomes the final upload by a rename. Anything else (parts of several layouts,
another order, a subset, parts stored on their own) is joined by copying, as before: the hint
never changes what a final upload contains, and each part stays an independent tus upload (HEAD,
PATCH, DELETE and expiry work on it alone).

A layout is `layouts/<id>` (the bytes, `total` long from the start) and `layouts/<id>.json` (owner,
total and the region each part claims). Its id is a hash of owner and token, so two owners never
share one. Regions of one layout may not overlap. Claims change under one lock (this service is
one process); a claim whose part no longer exists is dropped when next seen.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from video_transcriber.errors import UploadError
from video_transcriber.uploads.protocol import whole_number
from video_transcriber.uploads.records import ID, write_record

TOKEN_PATTERN = r"[A-Za-z0-9_-]{8,64}"
"""A layout token (unanchored, for the OpenAPI document too)."""
_TOKEN = re.compile(f"^{TOKEN_PATTERN}$")
HEADER = "Upload-Concat-Layout"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a partial upload's bytes belong in the file its client will declare."""

    token: str
    start: int
    total: int


@dataclass(frozen=True, slots=True)
class Region:
    part_id: str
    start: int
    length: int

    @property
    def end(self) -> int:
        return self.start + self.length


def parse_placement(header: str | None) -> Placement | None:
    """`<token> <start> <total>` from the `Upload-Concat-Layout` header, or None without one."""
    if header is None:
        return None
    fields = header.split()
    if len(fields) == 3 and _TOKEN.match(fields[0]):
        start, total = whole_number(fields[1]), whole_number(fields[2])
        if start is not None and total is not None:
            return Placement(fields[0], start, total)
    raise UploadError(
        f"{HEADER} must be '<token> <start> <total>': a token of 8-64 letters, digits, '-' or "
        "'_', then two whole numbers of bytes."
    )


def layout_id(owner: str, token: str) -> str:
    return hashlib.sha256(f"{owner}\0{token}".encode()).hexdigest()[:32]


class Layouts:
    """Layout files under `root`, their claimed regions, and turning one into a final upload."""

    def __init__(self, root: Path) -> None:
        self.root = root
        """Made when the first part claims a region."""
        self._lock = threading.Lock()

    def data_path(self, lid: str) -> Path:
        if not ID.match(lid):
            raise UploadError("This upload's layout is damaged; upload the file again.")
        return self.root / lid

    def _record_path(self, lid: str) -> Path:
        return self.data_path(lid).with_suffix(".json")

    def _read(self, lid: str) -> dict[str, object] | None:
        try:
            record: dict[str, object] = json.loads(self._record_path(lid).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return record

    def _write(self, lid: str, record: dict[str, object]) -> None:
        write_record(self._record_path(lid), record)

    # -- claims -------------------------------------------------------------------------------

    def claim(
        self,
        lid: str,
        owner: str,
        placement: Placement,
        region: Region,
        is_live: Callable[[str], bool],
    ) -> None:
        """Reserve `region` of layout `lid` (`layout_id(owner, placement.token)`), creating the
        layout file, `total` bytes long. Refuses overlaps and a changed total."""
        if region.end > placement.total:
            raise UploadError(
                f"{HEADER} places {region.length} bytes at {region.start}, past the declared "
                f"total of {placement.total}; check how the file was cut."
            )
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock:
            record = self._read(lid) or {"total": placement.total, "claims": {}, "owner": owner}
            if record["total"] != placement.total:
                raise UploadError(
                    f"{HEADER} says {placement.total} bytes in all, but earlier parts with this "
                    f"token said {record['total']}; use one total (or a new token) per file."
                )
            live = [r for r in _regions(record) if is_live(r.part_id)]
            for other in live:
                if region.start < other.end and other.start < region.end:
                    raise UploadError(
                        f"{HEADER} overlaps part {other.part_id} of the same file (bytes "
                        f"{other.start}-{other.end}); give each part its own range."
                    )
            claims = {r.part_id: [r.start, r.length] for r in [*live, region]}
            self._write(lid, {**record, "claims": claims})
            if not self.data_path(lid).exists():
                with self.data_path(lid).open("wb") as data:
                    data.truncate(placement.total)  # sparse: blocks are allocated as bytes land

    def release(self, lid: str, part_id: str) -> None:
        """The part is gone; a layout left without parts is deleted."""
        with self._lock:
            record = self._read(lid)
            if record is None:
                return
            claims = {r.part_id: [r.start, r.length] for r in _regions(record)}
            claims.pop(part_id, None)
            if claims:
                self._write(lid, {**record, "claims": claims})
            else:
                self._delete(lid)

    def _delete(self, lid: str) -> None:
        self.data_path(lid).unlink(missing_ok=True)
        self._record_path(lid).unlink(missing_ok=True)

    # -- the final upload -----------------------------------------------------------------------

    def whole(self, lid: str, listed: Sequence[Region]) -> bool:
        """Do `listed` parts, in this order, fill the layout exactly, with no other part in it?"""
        record = self._read(lid)
        if record is None or {r.part_id for r in _regions(record)} != {r.part_id for r in listed}:
            return False
        position = 0
        for region in listed:
            if region.start != position:
                return False
            position = region.end
        return position == record["total"]

    def adopt(self, lid: str, destination: Path) -> None:
        """Move the layout's bytes to `destination` (same file system) and forget the layout."""
        with self._lock:
            os.replace(self.data_path(lid), destination)
            self._record_path(lid).unlink(missing_ok=True)

    # -- expiry ---------------------------------------------------------------------------------

    def sweep(self, is_live: Callable[[str], bool], stale_before: float | None = None) -> int:
        """Delete layouts none of whose parts exist any more, and stray files older than
        `stale_before` (a crash between creating a layout's two files); returns how many."""
        stale_before = time.time() if stale_before is None else stale_before
        if not self.root.is_dir():
            return 0
        lids = {path.name.split(".", 1)[0] for path in self.root.iterdir()}
        removed = 0
        with self._lock:
            for lid in filter(ID.match, lids):
                record = self._read(lid)
                if record is not None and any(is_live(r.part_id) for r in _regions(record)):
                    continue
                data = self.data_path(lid)
                stray = data.exists() and data.stat().st_mtime < stale_before
                if record is not None or stray:
                    self._delete(lid)
                    removed += 1
        return removed


def _regions(record: dict[str, object]) -> list[Region]:
    """The regions a layout's record claims, one per part."""
    claims = record.get("claims", {})
    assert isinstance(claims, dict)
    return [Region(part, start, length) for part, (start, length) in claims.items()]
