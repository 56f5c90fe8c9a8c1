"""The CLI's writer: asking for `chapters` writes `<name>.chapters.vtt` and puts the study
guide into the JSON and the study sheet written beside it; without it no guide is built."""

from __future__ import annotations

import json
from pathlib import Path

from testkit.evaluation.topic_lecture import layout, reference_segments
from tests.formats.validators import validate_vtt
from video_transcriber.cli_support import write_outputs
from video_transcriber.config import Settings
from video_transcriber.domain import Transcript

LECTURE = layout(("printing", "objects"), topic_seconds=200.0, seed=3)


def _transcript() -> Transcript:
    return Transcript(reference_segments(LECTURE), "en", LECTURE.duration, model="reference")


def test_chapters_format_writes_a_track_and_the_guide_into_json_and_md(tmp_path: Path) -> None:
    written = write_outputs(
        _transcript(), Path("talk.mp4"), tmp_path, ["json", "md", "chapters"], Settings()
    )
    assert [p.name for p in written] == ["talk.json", "talk.md", "talk.chapters.vtt"]
    cues = validate_vtt((tmp_path / "talk.chapters.vtt").read_text())
    assert len(cues) == 2 and abs(cues[1][0] / 1000 - LECTURE.topic_starts[0]) <= 15
    document = json.loads((tmp_path / "talk.json").read_text())
    assert len(document["chapters"]) == 2
    assert "## Chapters (2)" in (tmp_path / "talk.md").read_text()


def test_without_chapters_no_guide_is_built(tmp_path: Path) -> None:
    write_outputs(_transcript(), Path("talk.mp4"), tmp_path, ["json"], Settings())
    document = json.loads((tmp_path / "talk.json").read_text())
    assert document["chapters"] == [] and "study" not in document["insights"]
