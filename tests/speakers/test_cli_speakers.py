"""`transcribe --speakers`: a built dialogue gets speaker-tagged subtitles that parse; a bad
value is refused before anything runs, saying what is allowed."""

from __future__ import annotations

import json
from pathlib import Path

import srt
import webvtt
from typer.testing import CliRunner

from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.dialogues import build_conversation
from video_transcriber.cli import app

runner = CliRunner()


def test_speakers_auto_tags_every_format(tmp_path: Path) -> None:
    dialogue = build_conversation("talk", ["ljspeech", "librispeech_1089"], seconds=30, seed=6)
    media = tmp_path / "talk.mp4"
    write_samples(dialogue.samples, media)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["transcribe", str(media), "-o", str(out), "-f", "srt,vtt,json,txt", "--workers", "1",
         "--speakers", "auto"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads((out / "talk.json").read_text())
    speakers = [s["speaker"] for s in document["segments"]]
    assert set(speakers) == {"Speaker 1", "Speaker 2"} and speakers[0] == "Speaker 1"
    assert all(s["words"] for s in document["segments"])  # split at word timings
    cues = list(srt.parse((out / "talk.srt").read_text()))
    assert cues[0].content.startswith("Speaker 1: ")
    assert any(c.content.startswith("Speaker 2: ") for c in cues)
    captions = webvtt.from_string((out / "talk.vtt").read_text()).captions
    assert captions and all(c.raw_text.startswith("<v Speaker ") for c in captions)
    paragraphs = (out / "talk.txt").read_text().split("\n\n")
    assert sum(p.startswith("Speaker 2: ") for p in paragraphs) >= 1


def test_a_bad_speakers_value_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["transcribe", str(tmp_path / "x.mp4"), "--speakers", "lots"])
    assert result.exit_code == 2
    assert "auto" in result.output and "1 to 20" in result.output
