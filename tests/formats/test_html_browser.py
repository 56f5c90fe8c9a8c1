"""The HTML page's script in a real headless Chromium: search, jump, and seek on click."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Error, Page, sync_playwright

from tests.browser import chromium_executable
from video_transcriber.domain import Segment, Transcript
from video_transcriber.formats import render

from .conftest import HOSTILE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        yield launched
        launched.close()


def _silent_wav(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))


def _open(browser: Browser, path: Path) -> tuple[Page, list[str]]:
    """The page, and a list that collects script errors and any dialog (an injected alert)."""
    page = browser.new_page()
    problems: list[str] = []

    def on_error(error: Error) -> None:
        problems.append(f"error: {error}")

    def on_dialog(dialog: Dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("pageerror", on_error)
    page.on("dialog", on_dialog)
    page.goto(path.as_uri())
    return page, problems


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    _silent_wav(tmp_path / "talk.wav", 12.0)
    transcript = Transcript(
        [
            Segment(0.0, 3.0, "The learning rate matters."),
            Segment(3.0, 6.5, "Is the learning rate too big?"),
            Segment(6.5, 9.0, HOSTILE),
            Segment(9.0, 11.0, "LEARNING again, learning."),
        ],
        "en",
        12.0,
    )
    path = tmp_path / "page.html"
    path.write_text(render(transcript, "html", media_url="talk.wav"), encoding="utf-8")
    return path


def test_search_highlights_and_steps_through_matches(browser: Browser, page_file: Path) -> None:
    page, problems = _open(browser, page_file)
    page.fill("#q", "learning")
    page.wait_for_selector("span.hit.current")
    assert page.locator("span.hit").count() == 4
    assert page.inner_text("#count") == "1 / 4"
    page.press("#q", "Enter")
    assert page.inner_text("#count") == "2 / 4"
    page.press("#q", "Shift+Enter")
    page.press("#q", "Shift+Enter")
    assert page.inner_text("#count") == "4 / 4"
    page.fill("#q", "")
    page.wait_for_selector("span.hit", state="detached")
    page.fill("#q", "<script>")
    page.wait_for_selector("span.hit")
    assert page.locator("span.hit").count() == 1
    assert problems == []


def test_clicking_a_timestamp_seeks_the_media(browser: Browser, page_file: Path) -> None:
    page, problems = _open(browser, page_file)
    page.wait_for_selector("#s1 a.ts")
    for _ in range(50):  # wait_for_function evaluates strings, which the page's CSP forbids
        if page.evaluate("document.getElementById('media').readyState") >= 1:
            break
        page.wait_for_timeout(100)
    page.click("#s1 a.ts")
    current = page.evaluate("document.getElementById('media').currentTime")
    assert current == pytest.approx(3.0, abs=0.3)
    assert page.evaluate("location.hash") == "#s1"
    assert problems == []
