"""The rename body refuses blank names by the same rule its OpenAPI pattern states."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from video_transcriber.api.routes.speakers import NOT_BLANK, SpeakerRename


@pytest.mark.parametrize("blank", [" ", "\u000b", "\x1c", "\x85", "\ufeff", "\u3000 \t"])
def test_blank_names_are_refused_by_pattern_and_check_alike(blank: str) -> None:
    assert re.search(NOT_BLANK, blank) is None
    with pytest.raises(ValidationError):
        SpeakerRename(speaker="Speaker 2", name=blank)


def test_a_name_is_kept_on_one_line() -> None:
    body = SpeakerRename(speaker="Speaker 2", name="  Prof.\n Ada\ufeff ")
    assert body.name == "Prof. Ada"
