"""engine.heap: freed large buffers go back to the OS (glibc), in a fresh process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent(
    """
    import numpy as np
    from video_transcriber.engine.heap import return_large_buffers

    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

    fixed = return_large_buffers()
    before = rss_mb()
    for _ in range(3):  # by default glibc raises its threshold after the first such free,
        block = np.ones(12 * 1024 * 1024 // 8)  # so the next blocks come from the heap
        del block
    print(fixed, rss_mb() - before)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_large_buffers_leave_the_process() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "True"
    assert float(out[1]) < 4.0, "a freed 12 MB buffer stayed resident"
