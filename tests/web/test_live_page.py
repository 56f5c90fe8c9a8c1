"""The Live page in real Chromium with a fake microphone fed from a speech WAV: it captures with
an AudioWorklet, resamples to 16 kHz, streams to `/api/live`, shows captions containing the
clip's words, and after Stop links to the session the stream became.

Chromium's fake capture device plays the file (`--use-file-for-fake-audio-capture`); the page
cannot tell it from a microphone.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from testkit.evaluation.corpus import Clip
from testkit.evaluation.lecture import clip_samples
from tests.api.conftest import LiveServer
from tests.web.conftest import CHROMIUM_ARGS, SERVER_ENV, require_browser_stack, shoot
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.pcm import to_int16

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

CAPTION_TIMEOUT_MS = 60_000
LEAD_SECONDS = 1.0


def speech_wav(clip: Clip, out: Path) -> Path:
    """The clip as a 16-bit WAV with a second of silence before and after (the fake device
    plays it from the start once capture begins)."""
    silence = np.zeros(round(LEAD_SECONDS * SAMPLE_RATE), dtype=np.float32)
    samples = np.concatenate([silence, clip_samples(clip), silence, silence])
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(to_int16(samples).tobytes())
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser_stack()
    data_dir = tmp_path_factory.mktemp("ui-live") / "data"
    data_dir.mkdir()
    live = LiveServer(data_dir, {**SERVER_ENV, "VT_LIVE__PRELOAD": "true"}).start()
    yield live
    live.stop()
    live.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, jfk_clip: Clip) -> Iterator[Browser]:
    executable = require_browser_stack()
    wav = speech_wav(jfk_clip, tmp_path_factory.mktemp("mic") / "jfk.wav")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=args)
        yield chromium
        chromium.close()


def test_live_page_shows_captions_of_the_clip_and_links_the_session(
    page: Page, server: LiveServer
) -> None:
    page.goto("/live")
    expect(page.locator('nav a[aria-current="page"]')).to_have_text("Live")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Start").click()
    captions = page.locator("#live-captions")
    expect(captions).to_contain_text("fellow Americans", timeout=CAPTION_TIMEOUT_MS)
    expect(captions).to_contain_text("your country", timeout=CAPTION_TIMEOUT_MS)
    assert int(captions.get_attribute("data-partials") or 0) >= 1
    shoot(page, "live-captions")
    page.get_by_role("button", name="Stop").click()
    link = page.locator("#live-session-link")
    expect(link).to_be_visible(timeout=CAPTION_TIMEOUT_MS)
    href = link.get_attribute("href") or ""
    assert href.startswith("/sessions/")
    response = page.request.get(f"/api/jobs/{href.rsplit('/', 1)[1]}")
    assert response.ok and response.json()["duration"] > 5
