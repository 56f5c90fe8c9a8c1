"""The copying half of tus concatenation, and reading the final request's list of parts.

When the parts of a final upload cannot simply be renamed into it (`uploads.layout`), their bytes
are copied into a new file, each part's range in turn, by the kernel (`os.copy_file_range`:
no trip through Python, and a reflink on file systems that share extents) or, where that is
missing, block by block; the result is on disk before the final upload is announced.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from video_transcriber.errors import UploadError

COPY_BLOCK = 4 * 1024 * 1024
MAX_PARTS = 256
_PART_PATH = re.compile(r"^(?:.*/)?files/([0-9a-f]{32})/?$")


@dataclass(frozen=True, slots=True)
class Source:
    """`length` bytes from `offset` of `path`."""

    path: Path
    offset: int
    length: int


def part_ids(concat: str) -> list[str]:
    """The partial upload ids in `final;<url> <url> ...`, in order (absolute or relative URLs)."""
    urls = concat.removeprefix("final;").split()
    ids = []
    for url in urls:
        match = _PART_PATH.match(urlsplit(url).path)
        if match is None:
            raise UploadError(
                f"Upload-Concat lists {url!r}, which is not an upload URL of this server "
                "(/files/<id>); list the Location of each partial upload."
            )
        ids.append(match.group(1))
    if not 1 <= len(ids) <= MAX_PARTS or len(set(ids)) != len(ids):
        raise UploadError(
            f"Upload-Concat must list between 1 and {MAX_PARTS} different partial uploads."
        )
    return ids


def copy_into(destination: Path, sources: list[Source]) -> None:
    """Write the sources one after another into `destination` (a new file), then sync it."""
    with destination.open("wb") as out:
        for source in sources:
            with source.path.open("rb") as data:
                _copy_range(data.fileno(), out.fileno(), source)
        os.fsync(out.fileno())


def _copy_range(source_fd: int, out_fd: int, source: Source) -> None:
    offset, left = source.offset, source.length
    copy_file_range = getattr(os, "copy_file_range", None)
    while left > 0 and copy_file_range is not None:
        try:
            copied = copy_file_range(source_fd, out_fd, left, offset)
        except OSError:  # not across these file systems: copy by hand from here on
            break
        if copied == 0:
            raise UploadError("A partial upload is shorter than it says; upload it again.")
        offset, left = offset + copied, left - copied
    while left > 0:
        block = os.pread(source_fd, min(COPY_BLOCK, left), offset)
        if not block:
            raise UploadError("A partial upload is shorter than it says; upload it again.")
        os.write(out_fd, block)
        offset, left = offset + len(block), left - len(block)
