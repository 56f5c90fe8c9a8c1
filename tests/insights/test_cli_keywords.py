"""`video-transcriber transcribe --keywords ... -f md,html,json` on real speech: the study
sheet, the searchable page and the JSON carry the keyword mentions."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from testkit.evaluation.corpus import Clip
from video_transcriber.cli import app


def test_keywords_reach_the_study_outputs(jfk_clip: Clip, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "transcribe",
            str(jfk_clip.path),
            "-o",
            str(out),
            "-f",
            "md,html,json",
            "--keywords",
            "Country, exam ,",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    stem = jfk_clip.path.stem
    sheet = (out / f"{stem}.md").read_text()
    assert "### Country — 2 mentions" in sheet and "### exam — not mentioned" in sheet
    assert "**country**" in sheet
    page = (out / f"{stem}.html").read_text()
    assert '<mark class="kw' in page
    insights = json.loads((out / f"{stem}.json").read_text())["insights"]
    assert [(k["keyword"], k["count"]) for k in insights["keywords"]] == [
        ("Country", 2),
        ("exam", 0),
    ]
    assert all(0 <= m["start"] <= 11.5 for m in insights["keywords"][0]["mentions"])
