"""The CLI: every format for a real clip, bad files among good ones, options, `tune --json`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import srt
import webvtt
from typer.testing import CliRunner

from testkit.evaluation.corpus import Clip
from video_transcriber.cli import app
from video_transcriber.cli_support import Overrides, apply_overrides, parse_formats
from video_transcriber.config import Settings

runner = CliRunner()


def test_transcribe_writes_every_format_and_survives_bad_files(
    jfk_clip: Clip, corpus: list[Clip], tmp_path: Path
) -> None:
    other = next(c for c in corpus if c.name == "ljspeech_LJ001-0002.wav")
    not_media = tmp_path / "notes.mp4"
    not_media.write_text("this is not a video")
    missing = tmp_path / "missing.mkv"
    out = tmp_path / "out"
    args = [str(jfk_clip.path), str(not_media), str(missing), str(other.path)]
    result = runner.invoke(
        app,
        ["transcribe", *args, "-o", str(out), "-f", "txt,srt,vtt,json,tsv", "--workers", "1"],
    )
    assert result.exit_code == 1, result.output
    assert "2 file(s) could not be transcribed" in result.output
    assert "notes.mp4" in result.output and "missing.mkv" in result.output
    stem = jfk_clip.path.stem
    text = (out / f"{stem}.txt").read_text()
    assert "fellow Americans" in text
    cues = list(srt.parse((out / f"{stem}.srt").read_text()))
    assert cues and cues[0].start.total_seconds() >= 0
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    assert webvtt.from_string((out / f"{stem}.vtt").read_text()).captions
    doc = json.loads((out / f"{stem}.json").read_text())
    assert isinstance(doc, dict) and "fellow" in json.dumps(doc)
    assert "\t" in (out / f"{stem}.tsv").read_text()
    assert (out / f"{other.path.stem}.txt").read_text().strip()  # the file after the bad ones
    assert not list(out.glob("notes.*")) and not list(out.glob("*.partial"))


def test_transcribe_default_output_dir_is_cwd(
    jfk_clip: Clip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "talk.flac"
    shutil.copy(jfk_clip.path, source)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["transcribe", str(source), "--workers", "1", "-f", "txt"])
    assert result.exit_code == 0, result.output
    assert "Americans" in (tmp_path / "talk.txt").read_text()


def test_unknown_format_and_bad_values_are_usage_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["transcribe", "x.mp4", "-f", "txt,docx"])
    assert result.exit_code == 2 and "docx" in result.output
    result = runner.invoke(app, ["transcribe", "x.mp4", "--chunk-seconds", "1"])
    assert result.exit_code == 2 and "chunk_seconds" in result.output


def test_overrides_apply_onto_settings() -> None:
    base = Settings()
    settings = apply_overrides(
        base, Overrides(model="tiny.en", workers=3, threads=2, beam_size=2, language="en")
    )
    assert (settings.tuning.workers, settings.tuning.threads_per_worker) == (3, 2)
    assert (settings.model.beam_size, settings.model.language) == (2, "en")
    assert settings.vad == base.vad and base.tuning.workers is None
    assert parse_formats(" TXT, .srt,txt ") == ["txt", "srt"]


def test_tune_json_is_sane() -> None:
    result = runner.invoke(app, ["tune", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    system, plan = report["system"], report["plan"]
    assert 1 <= system["usable_cpus"] <= system["logical_cpus"]
    assert 0 < system["available_memory_bytes"] <= system["total_memory_bytes"]
    assert plan["workers"] >= 1 and plan["threads_per_worker"] >= 1
    assert plan["chunk_seconds"] > 0 and plan["reasons"]
    assert isinstance(report["recommendations"], list)


def test_tune_with_media_and_text_output(jfk_clip: Clip) -> None:
    result = runner.invoke(app, ["tune", "--json", "--media", str(jfk_clip.path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["media_seconds"] == pytest.approx(11.0, abs=0.1)
    text = runner.invoke(app, ["tune"])
    assert text.exit_code == 0 and "Plan" in text.output


def test_formats_help_lists_every_format() -> None:
    from video_transcriber.cli import FORMATS_HELP
    from video_transcriber.formats import FORMATS

    assert f"Comma-separated: {','.join(FORMATS)}." == FORMATS_HELP
    for command in ("transcribe", "upload"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "txt,srt,vtt,json,tsv,md,html" in result.output, command


def test_tune_calibrate_measures_stores_and_plans_from_it(tmp_path: Path) -> None:
    quick = {
        "VT_CALIBRATION__MIN_CHUNKS": "1",
        "VT_CALIBRATION__CHUNKS_PER_WORKER": "1",
        "VT_CALIBRATION__REPEATS": "1",
        "VT_CALIBRATION__BATCH_SIZES": "[4]",
    }
    data = tmp_path / "data"
    args = ["tune", "--calibrate", "--json", "--data-dir", str(data)]
    result = runner.invoke(app, args, env=quick)
    assert result.exit_code == 0, result.output
    reasons = json.loads(result.stdout)["plan"]["reasons"]
    assert any(r.startswith("Measured on this machine (tiny.en") for r in reasons)
    assert (data / "jobs.sqlite3").is_file()
    # a later plain `tune` finds the stored calibration
    again = runner.invoke(app, ["tune", "--json", "--data-dir", str(data)])

    def steady(lines: list[str]) -> list[str]:  # free memory moves by a MB between two calls
        return [line for line in lines if not line.startswith("Each worker needs")]

    assert steady(json.loads(again.stdout)["plan"]["reasons"]) == steady(reasons)
