"""The web UI on a service with API keys, in real Chromium: the page asks for the key, uploads
and follows the JFK clip with it, and the player, the download links and live progress (which
cannot send an `Authorization` header) work through signed `?token=` URLs; the key itself never
appears in a URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import LiveServer
from tests.web.conftest import (
    BLOCKER_CLIP,
    SERVER_ENV,
    blocking_job,
    expect_followed_live,
    expect_following_a_queued_job,
    require_browser_stack,
    shoot,
    wait_until_completed_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

KEY = "ui-test-key-7f3a"
CLIP = "jfk_inaugural_excerpt.flac"
DONE_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's own server, with one API key configured."""
    require_browser_stack()
    data_dir = tmp_path_factory.mktemp("ui-keys") / "data"
    data_dir.mkdir()
    env = {
        **SERVER_ENV,
        "VT_SERVICE__API_KEYS": f'["{KEY}"]',
        "VT_SERVICE__SECRET_KEY": "a-test-secret-for-link-tokens",
    }
    live = LiveServer(data_dir, env).start()
    yield live
    live.stop()
    live.kill()


def test_session_works_with_an_api_key(
    page: Page, server: LiveServer, speech_corpus_dir: Path
) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto("/")
    banner = page.locator("#auth-banner")
    expect(banner).to_be_visible()
    shoot(page, "api-key-banner")
    page.get_by_label("API key", exact=True).fill(KEY)
    page.get_by_role("button", name="Save key").click()
    expect(page.locator("#limit-note")).to_contain_text("each")
    expect(banner).to_be_hidden()

    # Queued behind a long job until the page follows it, so it is followed from the start.
    key = {"Authorization": f"Bearer {KEY}"}
    with blocking_job(server, speech_corpus_dir / BLOCKER_CLIP, key) as release:
        page.set_input_files("#file-input", str(speech_corpus_dir / CLIP))
        page.fill("#session-name", "JFK with a key")
        page.click("#start-upload")
        page.wait_for_url("**/sessions/*", timeout=60_000)
        expect_following_a_queued_job(page)
        release()
    live = wait_until_completed_live(page, DONE_TIMEOUT_MS)
    expect(page.locator("#segments .segment").first).to_contain_text("fellow Americans")
    job_id = page.url.rsplit("/", 1)[-1]
    # Followed over SSE with a signed URL (EventSource cannot send the key).
    expect_followed_live(live)
    expect(banner).to_be_hidden()

    # The player loads the media through its signed URL.
    page.wait_for_function(
        "(() => { const m = document.querySelector('#player-slot audio');"
        " return m && (m.readyState > 0 || m.duration > 0); })()",
        timeout=30_000,
    )
    src = page.locator("#player-slot audio").get_attribute("src") or ""
    assert f"/api/jobs/{job_id}/media?token=" in src

    # A download link works in the browser, and its URL alone does not outlive its token's job.
    link = page.locator("#download-list a", has_text="SRT")
    href = link.get_attribute("href") or ""
    assert "token=" in href
    with page.expect_download() as download_info:
        link.click()
    srt = Path(download_info.value.path()).read_text()
    assert "fellow Americans" in srt and "-->" in srt
    plain = httpx.get(f"{server.url}/api/jobs/{job_id}/transcript?format=srt")
    assert plain.status_code == 401
    shoot(page, "session-with-key")
    assert not [url for url in urls if KEY in url], "the API key leaked into a URL"
