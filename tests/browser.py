"""Headless Chromium for the browser tests: Debian's `chromium` (`scripts/system-deps.sh` installs
it), driven by Playwright for Python. Missing, the tests skip with what to install (a failure on
CI, see `tests/conftest.py`); present but unable to start, they fail with the browser's error."""

from __future__ import annotations

import shutil

import pytest


def chromium_executable() -> str:
    """The Chromium binary on PATH, or a skip that says how to install it."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip(
            "Chromium is not installed; run scripts/system-deps.sh (apt-get install chromium)"
        )
    return executable
