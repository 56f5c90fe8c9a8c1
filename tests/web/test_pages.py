"""The web UI in real Chromium against a real server: upload a real-speech clip, watch it finish,
play it from the transcript, search it, edit keywords, correct a segment, and the other pages.

One module-scoped server and one uploaded session (the JFK clip) serve every test here; each test
gets a fresh browser context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api.conftest import LiveServer
from tests.web.conftest import (
    BLOCKER_CLIP,
    MAX_UPLOAD_BYTES,
    blocking_job,
    expect_followed_live,
    expect_following_a_queued_job,
    shoot,
    wait_until_completed_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

CLIP = "jfk_inaugural_excerpt.flac"
DONE_TIMEOUT_MS = 180_000


@dataclass
class Session:
    job_id: str
    url: str
    live: dict[str, str]
    """What the session page saw while it opened: `firstStatus`, counts of SSE events."""


@pytest.fixture(scope="module")
def jfk(browser: Browser, server: LiveServer, speech_corpus_dir: Path) -> Iterator[Session]:
    """Upload the JFK clip through the upload page and wait on its session page until done.

    The clip waits queued behind a long job until its page follows it, then runs: the page sees
    every change over SSE, however quickly this machine transcribes 11 seconds."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    with blocking_job(server, speech_corpus_dir / BLOCKER_CLIP) as release:
        page.goto("/")
        expect(page.locator("#limit-note")).to_contain_text("each")
        page.set_input_files("#file-input", str(speech_corpus_dir / CLIP))
        page.fill("#session-name", "JFK inaugural")
        page.fill("#job-keywords", "country")
        expect(page.locator(".file-item .status")).to_have_text("Ready to upload.")
        shoot(page, "upload")
        page.click("#start-upload")
        page.wait_for_url("**/sessions/*", timeout=60_000)
        expect_following_a_queued_job(page)
        release()
    live = wait_until_completed_live(page, DONE_TIMEOUT_MS)
    expect(page.locator("#segments .segment").first).to_be_visible()
    shoot(page, "session-live")
    job_id = page.url.rsplit("/", 1)[-1]
    yield Session(
        job_id=job_id,
        url=page.url,
        live=live,
    )
    context.close()


def test_upload_shows_progress_and_transcript(page: Page, jfk: Session) -> None:
    expect_followed_live(jfk.live)
    page.goto(f"/sessions/{jfk.job_id}")
    expect(page.locator("#job-percent")).to_have_text("100 %")
    expect(page.locator("#job-stage")).to_have_text("Done")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    segments = page.locator("#segments .segment")
    expect(segments.first).to_contain_text("fellow Americans")
    expect(page.locator("#download-list a")).to_have_count(8)  # txt ... html, chapters
    expect(page.locator("#chapter-bar button")).to_have_count(1)  # one topic: one chapter
    expect(page.locator("#insights [data-keyword='country']")).to_contain_text(
        "2\N{MULTIPLICATION SIGN}"
    )
    shoot(page, "session")


def test_clicking_a_segment_seeks_the_player(page: Page, jfk: Session) -> None:
    page.goto(f"/sessions/{jfk.job_id}")
    media = page.locator("#player-slot audio")
    expect(media).to_be_attached()
    page.wait_for_function("document.querySelector('#player-slot audio').readyState >= 1")
    player = "document.querySelector('#player-slot audio')"
    lines = page.locator("#segments .segment")
    segment = lines.nth(lines.count() - 1)
    start = float(segment.get_attribute("data-start") or "0")
    # Park the player far from the line's start, so the click must move it (the transcript may
    # be one line or several, depending on how the model segments this clip).
    page.evaluate(f"{player}.currentTime = {start + 2.5}")
    page.wait_for_function(f"{player}.currentTime > {start + 2.0}")
    segment.click()
    page.wait_for_function(f"Math.abs({player}.currentTime - {start}) < 0.5")
    expect(segment).to_have_class(re.compile(r"\bcurrent\b"))
    # Keyboard: focus the first line and press Enter to go back to the start.
    page.evaluate(f"{player}.currentTime = 9.0")
    page.wait_for_function(f"{player}.currentTime > 8.5")
    lines.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"{player}.currentTime < 1.0")


def test_search_finds_the_clip_and_opens_that_moment(page: Page, jfk: Session) -> None:
    page.goto("/sessions")
    expect(page.locator(f"tr[data-job-id='{jfk.job_id}']")).to_contain_text("completed")
    page.fill("#search-input", "fellow americans")
    page.keyboard.press("Enter")
    hit = page.locator("#search-list a.snippet").first
    expect(hit).to_contain_text("fellow")
    expect(hit.locator("mark").first).to_be_visible()
    shoot(page, "sessions")
    hit.click()
    page.wait_for_url(f"**/sessions/{jfk.job_id}?t=*")
    expect(page.locator("#segments .segment.current")).to_contain_text("fellow Americans")


def test_keyword_edit_shows_up_in_insights(page: Page, jfk: Session, server: LiveServer) -> None:
    page.goto("/keywords")
    page.fill("#new-keyword", "Americans")
    page.keyboard.press("Enter")
    expect(page.locator("#keyword-list")).to_contain_text("Americans")
    shoot(page, "keywords")
    page.goto(f"/sessions/{jfk.job_id}")
    expect(page.locator("#insights [data-keyword='Americans']")).to_contain_text(
        "1\N{MULTIPLICATION SIGN}"
    )
    # the mention's timestamp seeks the player there, from wherever it was
    insights = httpx.get(f"{server.url}/api/jobs/{jfk.job_id}/insights").json()
    [americans] = [k for k in insights["keywords"] if k["keyword"] == "Americans"]
    mention = float(americans["mentions"][0]["start"])
    player = "document.querySelector('#player-slot audio')"
    page.wait_for_function(f"{player}.readyState >= 1")
    parked = 9.0 if mention < 6.0 else 1.0
    page.evaluate(f"{player}.currentTime = {parked}")
    page.wait_for_function(f"Math.abs({player}.currentTime - {parked}) < 0.5")
    page.locator("#insights [data-keyword='Americans'] button.seek").first.click()
    page.wait_for_function(f"Math.abs({player}.currentTime - {mention}) < 0.5")


def test_a_correction_shows_up_in_the_srt_download(
    page: Page, jfk: Session, server: LiveServer
) -> None:
    page.goto(f"/sessions/{jfk.job_id}")
    last = page.locator("#segments .segment").last
    last.dblclick()
    box = last.locator("textarea")
    expect(box).to_be_focused()
    box.fill("ask what you can do for your planet.")
    box.press("Enter")
    expect(last.locator(".text")).to_contain_text("for your planet.")
    with page.expect_download() as download_info:
        page.locator("#download-list a", has_text="SRT").click()
    srt = Path(download_info.value.path()).read_text()
    assert "ask what you can do for your planet." in srt
    assert "for your country." not in srt
    # the search index follows the correction too
    hits = httpx.get(f"{server.url}/api/search", params={"q": "planet", "mode": "keyword"}).json()[
        "hits"
    ]
    assert [hit["job_id"] for hit in hits] == [jfk.job_id]


def test_performance_page_draws_plan_charts_and_history(page: Page, jfk: Session) -> None:
    page.goto("/performance")
    expect(page.locator("#system-facts")).to_contain_text("CPUs usable")
    expect(page.locator("#plan-reasons li").first).to_be_visible()
    expect(page.locator("#recommendations li").first).to_be_visible()
    expect(page.locator("#chart-cpu svg polyline")).to_have_count(1, timeout=15_000)
    page.wait_for_timeout(4500)  # a few live samples, so the lines have a shape
    expect(page.locator("#history-table tbody tr")).not_to_have_count(0)
    expect(page.locator("#history-table")).to_contain_text("JFK inaugural")
    expect(page.locator("#chart-rtf svg rect")).not_to_have_count(0)
    shoot(page, "performance")


def test_calibrate_button_shows_the_measured_shapes_and_the_plan_cites_them(
    page: Page, jfk: Session
) -> None:
    page.goto("/performance")
    expect(page.locator("#calibration-summary")).to_contain_text("No calibration")
    page.click("#calibrate")
    expect(page.locator("#calibration-progress")).to_contain_text("Measuring")
    rows = page.locator("#calibration-table tbody tr")
    expect(rows.first).to_contain_text("(fastest)", timeout=180_000)
    expect(page.locator("#calibration-summary")).to_contain_text("tiny.en on")
    expect(page.locator("#calibrate")).to_be_enabled()
    shoot(page, "performance-calibrated")


def test_non_media_and_oversize_files_get_a_clear_message(page: Page, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording")
    fake = tmp_path / "noise.wav"
    fake.write_bytes(b"RIFF" + bytes(range(256)) * 64)
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as out:  # sparse: no disk used
        out.truncate(MAX_UPLOAD_BYTES + 1)
    page.goto("/")
    expect(page.locator("#limit-note")).to_contain_text("each")
    page.set_input_files("#file-input", [str(notes), str(huge), str(fake)])
    items = page.locator(".file-item")
    expect(items.nth(0)).to_contain_text("not an audio or video file")
    expect(items.nth(1)).to_contain_text("48 MB limit")
    page.click("#start-upload")
    # the server's own 4xx message, shown right after the upload
    expect(items.nth(2).locator(".status")).to_contain_text("cannot be read", timeout=30_000)
    expect(items.nth(2)).to_have_class(re.compile(r"\berror\b"))
    shoot(page, "upload-errors")
