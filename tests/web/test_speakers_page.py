"""Speakers in the web UI, real Chromium against a real server: a built two-person dialogue
uploaded with "Identify speakers", each speaker's name in its own colour on the session page,
and a rename there that the SRT download follows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.dialogues import build_conversation

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

DONE_TIMEOUT_MS = 180_000


def test_speakers_are_coloured_and_renamed_on_the_session_page(page: Page, tmp_path: Path) -> None:
    dialogue = build_conversation("dialogue", ["ljspeech", "librispeech_1089"], seconds=30, seed=6)
    media = tmp_path / "dialogue.mp4"
    write_samples(dialogue.samples, media)
    page.goto("/")
    page.set_input_files("#file-input", str(media))
    page.check("#speakers")
    expect(page.locator(".file-item .status")).to_have_text("Ready to upload.")
    page.click("#start-upload")
    page.wait_for_url("**/sessions/*", timeout=60_000)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=DONE_TIMEOUT_MS)
    names = page.locator("#segments .segment .who")
    # Names arrive with the finished transcript, after 100 % (the study guide is built between).
    expect(names.first).to_have_text("Speaker 1", timeout=DONE_TIMEOUT_MS)
    assert set(names.all_text_contents()) == {"Speaker 1", "Speaker 2"}
    first, second = (
        page.locator("#segments .segment", has=page.locator(".who", has_text=name)).first
        for name in ("Speaker 1", "Speaker 2")
    )
    expect(first).to_have_class(re.compile(r"\bspk-0\b"))
    expect(second).to_have_class(re.compile(r"\bspk-1\b"))
    colours = {
        row.locator(".who").evaluate("n => getComputedStyle(n).color") for row in (first, second)
    }
    assert len(colours) == 2
    page.once("dialog", lambda dialog: dialog.accept("Prof. Ada"))
    second.locator(".who").click()
    expect(page.locator("#toast")).to_contain_text("Prof. Ada")
    assert set(names.all_text_contents()) == {"Speaker 1", "Prof. Ada"}
    with page.expect_download() as download_info:
        page.locator("#download-list a", has_text="SRT").click()
    srt = Path(download_info.value.path()).read_text()
    assert "Prof. Ada: " in srt and "Speaker 2" not in srt
