"""A page reload in the middle of an upload resumes from the server's offset, not from zero.

The browser's upload bandwidth is throttled through the DevTools protocol, so the upload (small
tus chunks, parallel parts) is still running when the page reloads. Picking the same file again
finds the upload in tus-js-client's localStorage, asks the server for its offsets (HEAD) and
carries on; the test checks those offsets were above zero and that the upload completes into a job.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from tests.api.conftest import LiveServer
from tests.media_files import write_wav
from tests.web.conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

UPLOAD_BYTES_PER_SECOND = 300 * 1024


def _throttle(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": UPLOAD_BYTES_PER_SECOND,
        },
    )


def _progress(page: Page) -> float:
    return float(page.locator(".file-item progress").first.evaluate("p => p.value"))


def test_reload_mid_upload_resumes_from_server_offset(
    page: Page, server: LiveServer, tmp_path: Path
) -> None:
    media = write_wav(tmp_path / "long-lecture.wav", seconds=120.0)  # ~3.8 MB
    _throttle(page)
    page.goto("/")
    expect(page.locator("#limit-note")).to_contain_text("each")
    page.set_input_files("#file-input", str(media))
    page.click("#start-upload")
    page.wait_for_function(
        "document.querySelector('.file-item progress').value >= 25", timeout=60_000
    )
    before = _progress(page)
    assert before < 90, "the upload finished too fast to interrupt; lower the throttle"

    # Pause holds the upload where it is; Resume carries on.
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".file-item .status").first).to_contain_text("Paused")
    paused_at = _progress(page)
    page.wait_for_timeout(1500)
    assert _progress(page) == paused_at
    page.get_by_role("button", name="Resume").click()
    page.wait_for_function(
        f"document.querySelector('.file-item progress').value > {paused_at}", timeout=30_000
    )

    page.reload()
    _throttle(page)
    expect(page.locator("#resume-section")).to_be_visible()
    expect(page.locator("#resume-list")).to_contain_text("long-lecture.wav")
    shoot(page, "upload-resume")

    offsets: list[int] = []
    creations: list[str] = []

    def watch(response: Response) -> None:
        request = response.request
        if "/files/" not in request.url:
            return
        if request.method == "HEAD":
            offsets.append(int(response.headers.get("upload-offset", "0")))
        elif request.method == "POST" and "partial" in (request.headers.get("upload-concat") or ""):
            creations.append(request.url)

    page.on("response", watch)
    page.set_input_files("#file-input", str(media))
    page.click("#start-upload")
    page.wait_for_url("**/sessions/*", timeout=120_000)
    assert offsets, "the resumed upload never asked the server for its offset"
    assert sum(offsets) > 0, f"the server had nothing at resume: {offsets}"
    assert not creations, "the resumed upload created new parts instead of continuing"
    job_id = page.url.rsplit("/", 1)[-1]
    job = server.client().get(f"/api/jobs/{job_id}").json()
    assert job["filename"] == "long-lecture.wav"
    assert job["size_bytes"] == media.stat().st_size
