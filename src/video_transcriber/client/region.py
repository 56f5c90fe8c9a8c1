"""A file, or a range of it, as the seekable stream tuspy reads its chunks from, reading ahead.

tuspy reads each chunk whole before it sends it (50 MB take ~27 ms here) and reads the next one
only once the server has answered, so on a fast link every PATCH began with the client busy and
the server idle: a fifth of a 1 GiB single-stream upload. After a large read this stream reads
the following chunk in a thread while the current one travels, so the next PATCH starts at once.
A range (`start..end`) is one part of a parallel upload.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

READ_AHEAD_MIN = 4 * 1024 * 1024
"""Reads at least this large (chunks, not fingerprint samples) start reading ahead."""


class FileRegion:
    """Bytes `start..end` of `path` (the whole file by default), seekable from 0."""

    def __init__(self, path: Path, start: int = 0, end: int | None = None) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self.start = start
        self.end = os.fstat(self._fd).st_size if end is None else end
        self._position = 0
        self._ahead: tuple[int, int, Future[bytes]] | None = None
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="read-ahead")

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.end - self.start}
        self._position = max(0, base[whence] + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, size: int = -1) -> bytes:
        left = max(0, self.end - self.start - self._position)
        count = left if size < 0 else min(size, left)
        data = self._take_ahead(self._position, count) or self._pread(self._position, count)
        self._position += len(data)
        following = min(count, self.end - self.start - self._position)
        if count >= READ_AHEAD_MIN and following > 0:
            future = self._reader.submit(self._pread, self._position, following)
            self._ahead = (self._position, following, future)
        return data

    def _take_ahead(self, position: int, count: int) -> bytes | None:
        ahead, self._ahead = self._ahead, None
        if ahead is None or ahead[:2] != (position, count):
            return None
        return ahead[2].result()

    def _pread(self, position: int, count: int) -> bytes:
        pieces = []
        while count > 0:
            piece = os.pread(self._fd, count, self.start + position)
            if not piece:
                break
            pieces.append(piece)
            position, count = position + len(piece), count - len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def __enter__(self) -> FileRegion:
        return self

    def __exit__(self, *exc: object) -> None:
        """tuspy closes the stream it fingerprints; this one stays open until `close()`."""

    def close(self) -> None:
        self._reader.shutdown(wait=True)
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
