"""Keep a worker's memory from creeping up: large buffers go back to the OS when freed.

CTranslate2 allocates its working tensors with plain `malloc`. glibc serves big requests with
`mmap` and returns them on `free`, but it raises that threshold each time such a block is freed
(up to 32 MB), after which same-sized blocks come from the heap and their pages stay with the
process. Decode windows, and so tensor sizes, vary from batch to batch, and a worker's resident
memory crept up over a long job (10-minute lecture: workers peaked at 328-355 MB, 60-minute:
403-411 MB). A fixed 8 MB threshold (`mallopt(M_MMAP_THRESHOLD)`) keeps the big attention buffers
on `mmap` while the per-step buffers of the beam search (logits of 20 hypotheses: ~4 MB) stay on
the heap: workers peaked at 315-331 and 358-382 MB, with no difference in speed beyond noise.
Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameter number for the mmap threshold."""
MMAP_THRESHOLD_BYTES = 8 * 1024 * 1024


def return_large_buffers(threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold for this process; False where that is not possible."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, threshold))
    if not done:
        log.debug("mallopt(M_MMAP_THRESHOLD) refused; keeping the allocator's defaults")
    return done
