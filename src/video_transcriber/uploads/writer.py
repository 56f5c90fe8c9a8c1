"""A request body's bytes onto the disk while the request is still arriving, durable at its end.

A PATCH is acknowledged only once its bytes are on the disk (`fdatasync`), so a 204 never
promises what a power cut could take. Left to itself, Linux starts writing dirty pages back
seconds later, so the `fdatasync` closing a 50 MB PATCH found most of it still in memory and the
client sat idle while the disk caught up (one stream reached 0.5x of dd). The writer asks the
kernel to start writing each few MiB back as soon as they are written
(`sync_file_range(SYNC_FILE_RANGE_WRITE)`, Linux only, through ctypes; elsewhere nothing): disk
and network then work at the same time and the closing `fdatasync` waits only for the tail.

Writes go to explicit positions (`os.pwrite`): a plain upload's at its end, a partial upload laid
out in a final file (`uploads.layout`) at its place there. An optional running hash serves the
tus `checksum` extension.
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

WRITEBACK_BYTES = 4 * 1024 * 1024
"""Start writing back after this many new bytes."""
SYNC_FILE_RANGE_WRITE = 2

_fdatasync: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)
_pwritev: Callable[[int, list[bytes], int], int] | None = getattr(os, "pwritev", None)


def _load_sync_file_range() -> Callable[[int, int, int], None]:
    """`start_writeback(fd, offset, length)`, or a no-op where the C library lacks it."""
    try:
        function: Any = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return lambda fd, offset, length: None
    function.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    function.restype = ctypes.c_int

    def start_writeback(fd: int, offset: int, length: int) -> None:
        function(fd, offset, length, SYNC_FILE_RANGE_WRITE)  # a hint: its failure changes nothing

    return start_writeback


start_writeback = _load_sync_file_range()


class DataWriter:
    """Writes blocks at `position` onwards in `path`; `finish()` makes them durable and closes."""

    def __init__(
        self, path: Path, position: int, *, appends: bool, digest: Any | None = None
    ) -> None:
        self._fd = os.open(path, os.O_WRONLY)
        self.start = self.position = self._written_back = position
        self.appends = appends
        """The file ends where writing starts (a plain upload), so `discard` can shorten it."""
        self.digest = digest
        """A hashlib object fed every byte written, or None."""

    @property
    def written(self) -> int:
        return self.position - self.start

    def write(self, pieces: list[bytes]) -> None:
        """Write the pieces one after another, in one system call where the OS has `pwritev`."""
        if self.digest is not None:
            for piece in pieces:
                self.digest.update(piece)
        size = sum(len(piece) for piece in pieces)
        count = _pwritev(self._fd, pieces, self.position) if _pwritev else 0
        if count < size:  # a short write (or no pwritev): the rest, piece by piece
            self._write_rest(memoryview(b"".join(pieces))[count:], self.position + count)
        self.position += size
        if self.position - self._written_back >= WRITEBACK_BYTES:
            start_writeback(self._fd, self._written_back, self.position - self._written_back)
            self._written_back = self.position

    def _write_rest(self, view: memoryview, position: int) -> None:
        while view:
            count = os.pwrite(self._fd, view, position)
            view, position = view[count:], position + count

    def discard(self) -> None:
        """Forget what this writer wrote (a failed checksum): an appended tail is cut off; bytes
        inside a laid-out file stay, uncounted, to be overwritten by the retry."""
        if self.appends:
            os.ftruncate(self._fd, self.start)
        self.position = self._written_back = self.start

    def finish(self) -> None:
        """Durable on disk (where the file system can promise it), then closed."""
        try:
            _fdatasync(self._fd)
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # a file system that cannot sync has nothing to wait for
                raise
        finally:
            self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
