"""The speaker encoder, loaded once for the whole speakers test package."""

from __future__ import annotations

import pytest

from video_transcriber.speakers.encoder import VoiceEncoder


@pytest.fixture(scope="session")
def voice_encoder() -> VoiceEncoder:
    return VoiceEncoder(threads=2)
