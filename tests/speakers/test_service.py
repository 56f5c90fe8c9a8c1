"""Speakers through the real service (warm pool, tiny.en): a built lecture with a lecturer and
one member of the audience (`testkit.evaluation.dialogues`), transcribed with `speakers=auto`.

A rename must show in SRT, WebVTT and search; a question is flagged as an audience question
when the audience asked it. The corpus holds no spoken questions, so the test turns one segment
of each speaker into a question through the correction endpoint, as a person editing the
transcript would, and checks who the insights say asked it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.dialogues import BuiltRecording, build_lecture
from tests.api.conftest import wait_for_status
from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings, TuningSettings

TRANSCRIBE_TIMEOUT = 300.0


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("speakers") / "data"
    settings = Settings(
        service=ServiceSettings(data_dir=data),
        tuning=TuningSettings(workers=1, threads_per_worker=2),
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def lecture(
    service: TestClient, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, BuiltRecording]:
    recording = build_lecture(
        "lecture", "ljspeech", ["librispeech_1089"], seconds=45, questions_each=2, seed=11
    )
    path = tmp_path_factory.mktemp("lecture") / "lecture.mp4"
    write_samples(recording.samples, path)
    with path.open("rb") as file:
        response = service.post(
            "/api/jobs",
            files={"file": (path.name, file, "video/mp4")},
            data={"name": "lecture", "options": json.dumps({"speakers": "auto"})},
        )
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    job = wait_for_status(service, job_id, {"completed", "failed"}, timeout=TRANSCRIBE_TIMEOUT)
    assert job["status"] == "completed", job
    assert job["options"]["speakers"] == "auto"
    return job_id, recording


def _document(service: TestClient, job_id: str) -> dict[str, Any]:
    response = service.get(f"/api/jobs/{job_id}/transcript", params={"format": "json"})
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_every_segment_has_the_speaker_whose_turn_it_is(
    service: TestClient, lecture: tuple[str, BuiltRecording]
) -> None:
    job_id, recording = lecture
    segments = _document(service, job_id)["segments"]
    assert segments and all(s["speaker"] in ("Speaker 1", "Speaker 2") for s in segments)
    voice = {"ljspeech": "Speaker 1", "librispeech_1089": "Speaker 2"}
    for segment in segments:
        middle = (segment["start"] + segment["end"]) / 2
        owners = [t.speaker for t in recording.turns if t.start - 0.5 <= middle <= t.end + 0.5]
        if len(set(owners)) == 1:
            assert segment["speaker"] == voice[owners[0]], segment
    insights = service.get(f"/api/jobs/{job_id}/insights").json()
    main, other = insights["speakers"]
    assert main["speaker"] == "Speaker 1" and main["share"] > 0.6
    assert other["speaker"] == "Speaker 2" and other["seconds"] > 2.0


def test_questions_are_flagged_when_the_audience_asks(
    service: TestClient, lecture: tuple[str, BuiltRecording]
) -> None:
    job_id, _ = lecture
    segments = _document(service, job_id)["segments"]
    asked: dict[str, int] = {}
    for index, segment in enumerate(segments):
        asked.setdefault(segment["speaker"], index)
    texts = {"Speaker 1": "Is that clear to everyone?", "Speaker 2": "Could you say it again?"}
    for speaker, index in asked.items():
        edit = service.patch(f"/api/jobs/{job_id}/segments/{index}", json={"text": texts[speaker]})
        assert edit.status_code == 200, edit.text
    questions = service.get(f"/api/jobs/{job_id}/insights").json()["questions"]
    by_text = {q["text"]: q for q in questions}
    assert by_text["Could you say it again?"]["audience"] is True
    assert by_text["Could you say it again?"]["speaker"] == "Speaker 2"
    assert by_text["Is that clear to everyone?"]["audience"] is False


def test_a_rename_shows_in_srt_vtt_json_and_search(
    service: TestClient, lecture: tuple[str, BuiltRecording]
) -> None:
    job_id, _ = lecture
    response = service.patch(
        f"/api/jobs/{job_id}/speakers", json={"speaker": "Speaker 2", "name": "Prof. Ada"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["renamed_segments"] >= 1
    assert {s["speaker"] for s in body["speakers"]} == {"Speaker 1", "Prof. Ada"}
    srt = service.get(f"/api/jobs/{job_id}/transcript", params={"format": "srt"}).text
    vtt = service.get(f"/api/jobs/{job_id}/transcript", params={"format": "vtt"}).text
    assert "Prof. Ada: " in srt and "Speaker 2" not in srt
    assert "<v Prof. Ada>" in vtt and "<v Speaker 1>" in vtt
    speakers = {s["speaker"] for s in _document(service, job_id)["segments"]}
    assert speakers == {"Speaker 1", "Prof. Ada"}
    hits = service.get("/api/search", params={"q": "Ada"}).json()["hits"]
    assert hits and {h["job_id"] for h in hits} == {job_id}
    assert all("Ada" in h["snippet"] for h in hits)


def test_renaming_an_unknown_speaker_or_to_a_blank_name_says_what_to_do(
    service: TestClient, lecture: tuple[str, BuiltRecording]
) -> None:
    job_id, _ = lecture
    missing = service.patch(
        f"/api/jobs/{job_id}/speakers", json={"speaker": "Speaker 9", "name": "X"}
    )
    assert missing.status_code == 404
    assert "Speaker 1" in missing.text
    blank = service.patch(
        f"/api/jobs/{job_id}/speakers", json={"speaker": "Speaker 1", "name": " "}
    )
    assert blank.status_code == 422


def test_a_bad_speakers_option_is_refused(service: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"RIFF")
    response = service.post(
        "/api/jobs",
        files={"file": (path.name, path.read_bytes(), "audio/wav")},
        data={"options": json.dumps({"speakers": "many"})},
    )
    assert response.status_code == 422
    assert "speakers" in response.text
