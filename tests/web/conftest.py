"""Browser fixtures: one real server (subprocess, bundled model) per module, headless Chromium
(Debian's `/usr/bin/chromium`, driven by Playwright for Python), and screenshots of each page at
desktop and 360 px widths in `test-artifacts/screenshots/`.

The server runs one job at a time, so a long `blocking_job` keeps the job under test queued until
the test releases it: the session page then follows it over SSE from `queued` to `completed`.

Tests skip when Chromium or the npm-installed tus client is missing (`make install` and
`scripts/system-deps.sh` provide both); on CI such a skip is a failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.api.conftest import REPO, LiveServer, wait_for_status
from tests.browser import chromium_executable
from video_transcriber.api.routes.web import TUS_CANDIDATES

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHUNK_BYTES = 256 * 1024
"""Small tus chunks, so a throttled upload is interrupted part-way."""
MAX_UPLOAD_BYTES = 48 * 1024**2
SERVER_ENV = {
    "VT_SERVICE__TUS_CHUNK_BYTES": str(CHUNK_BYTES),
    "VT_SERVICE__MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
    "VT_TUNING__WORKERS": "1",
    "VT_TUNING__MIN_WORKERS": "1",
    "VT_TUNING__DEFAULT_WORKERS": "1",
    "VT_SERVICE__MAX_RUNNING_JOBS": "1",
    # the calibration button measures two quick shapes on one copy of the sample
    "VT_CALIBRATION__MIN_CHUNKS": "1",
    "VT_CALIBRATION__CHUNKS_PER_WORKER": "1",
    "VT_CALIBRATION__REPEATS": "1",
    "VT_CALIBRATION__BATCH_SIZES": "[4]",
}
BLOCKER_CLIP = "ljspeech_LJ001-0009_to_0032_concat.wav"
"""171 s of speech (none of the words the tests search for): minutes of work for one worker."""


def require_browser_stack() -> str:
    """The Chromium binary, after checking the tus client the upload page needs is installed."""
    if not any(path.is_file() for path in TUS_CANDIDATES):
        pytest.skip("tus-js-client is not installed; run `make install` (needs npm)")
    return chromium_executable()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser_stack()
    data_dir = tmp_path_factory.mktemp("ui") / "data"
    data_dir.mkdir()
    live = LiveServer(data_dir, SERVER_ENV).start()
    yield live
    live.stop()
    live.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_browser_stack()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """A fresh page (own storage) on the server; JS errors fail the test."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@contextmanager
def blocking_job(
    server: LiveServer, media: Path, headers: dict[str, str] | None = None
) -> Iterator[Callable[[], None]]:
    """A long job running in the server's only job slot; the jobs submitted next stay queued
    until the yielded `release()` cancels it (at the latest when the block ends)."""
    with server.client(headers=headers or {}) as http:
        response = http.post("/api/jobs", files={"file": (media.name, media.read_bytes())})
        assert response.status_code == 201, response.text
        job_id = response.json()["id"]
        job = wait_for_status(http, job_id, {"running", "completed", "failed"}, timeout=120)
        assert job["status"] == "running", job
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                cancelled = http.post(f"/api/jobs/{job_id}/cancel")
                assert cancelled.status_code == 200, cancelled.text

        try:
            yield release
        finally:
            release()


def expect_following_a_queued_job(page: Page) -> None:
    """The session page opened on a queued job and its SSE stream is open (its first event, the
    status snapshot, arrived), so every later change of the job reaches the page live."""
    session = page.locator("#session")
    expect(session).to_have_attribute("data-first-status", "queued")
    expect(session).to_have_attribute("data-live-status", "1")


def wait_until_completed_live(page: Page, timeout_ms: float) -> dict[str, str]:
    """Wait until the session page followed its job to the end (100 %, then the `completed`
    status event: the study guide is built between the two) and return its data set."""
    session = page.locator("#session")
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=timeout_ms)
    expect(session).to_have_attribute(
        "data-live-status", re.compile(r"^([3-9]|\d{2,})$"), timeout=timeout_ms
    )
    live: dict[str, str] = session.evaluate("node => ({...node.dataset})")
    return live


def expect_followed_live(live: dict[str, str]) -> None:
    """`live`, the session element's data set after the job finished, shows it followed the job
    over SSE: the snapshot, `running` and `completed`, and the text as `segments` events."""
    assert live["firstStatus"] == "queued", live
    assert int(live.get("liveStatus", 0)) >= 3, live
    assert int(live.get("liveSegments", 0)) >= 1, live
    assert int(live.get("liveProgress", 0)) >= 1, live


def shoot(page: Page, name: str) -> None:
    """Save `name`.png at the current size and `name`-360.png at 360 px wide."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1280, "height": 900}
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"), full_page=True)
    page.set_viewport_size(size)
