"""Insights and search on real speech, through the real service (warm pool, tiny.en): the JFK
clip, and a built lecture with known phrases at known places (`evaluation.lecture`)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from testkit.evaluation.corpus import clip
from testkit.evaluation.lecture import LectureInfo, build_lecture
from tests.api.conftest import wait_for_status
from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings, TuningSettings

LECTURE_CLIPS = [
    "ljspeech_LJ001-0001.wav",  # "Printing, in the only sense ..."
    "jfk_inaugural_excerpt.flac",  # "... ask not what your country can do for you ..."
    "fleurs_en_003.ogg",  # "the cabbage juice changes color ..."
    "ljspeech_LJ001-0006.wav",  # "And it is worth mention in passing that ..." (emphasis)
]
TOLERANCE = 1.0
"""Seconds a mention may sit outside its clip's placement (speech padding, word timing)."""
TRANSCRIBE_TIMEOUT = 300.0


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("real") / "data"
    settings = Settings(
        service=ServiceSettings(data_dir=data),
        tuning=TuningSettings(workers=1, threads_per_worker=2),
        keywords=["country", "printing", "color"],
        emphasis_phrases=[*Settings().emphasis_phrases, "in passing"],
    )
    with TestClient(create_app(settings)) as client:
        yield client


def transcribe(client: TestClient, path: Path, **options: Any) -> str:
    with path.open("rb") as file:
        response = client.post(
            "/api/jobs",
            files={"file": (path.name, file, "application/octet-stream")},
            data={"name": path.stem, "options": json.dumps(options)},
        )
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    job = wait_for_status(client, job_id, {"completed", "failed"}, timeout=TRANSCRIBE_TIMEOUT)
    assert job["status"] == "completed", job
    return job_id


@pytest.fixture(scope="module")
def jfk(service: TestClient, tmp_path_factory: pytest.TempPathFactory) -> str:
    source = clip("jfk_inaugural_excerpt.flac").path
    path = shutil.copy(source, tmp_path_factory.mktemp("jfk") / source.name)
    return transcribe(service, Path(path))


@pytest.fixture(scope="module")
def lecture(
    service: TestClient, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, LectureInfo]:
    out = tmp_path_factory.mktemp("lecture") / "lecture.mp4"
    info = build_lecture([clip(n) for n in LECTURE_CLIPS], target_seconds=42.0, out=out, seed=3)
    assert [p.name for p in info.placements] == LECTURE_CLIPS
    return transcribe(service, out, word_timestamps=True), info


def mentions(data: dict[str, Any], keyword: str) -> list[dict[str, Any]]:
    [summary] = [k for k in data["keywords"] if k["keyword"] == keyword]
    found: list[dict[str, Any]] = summary["mentions"]
    return found


def test_jfk_keyword_sentence_and_times(service: TestClient, jfk: str) -> None:
    data = service.get(f"/api/jobs/{jfk}/insights").json()
    country = mentions(data, "country")
    assert len(country) >= 1
    for mention in country:
        assert 0.0 <= mention["start"] <= mention["end"] <= 11.0 + TOLERANCE
        assert mention["link"].startswith(f"/jobs/{jfk}?t=")
        assert mention["media_url"].startswith(f"/api/jobs/{jfk}/media#t=")
    sentences = " ".join(m["sentence"] for m in country).lower()
    assert "ask not what your country can do for you" in sentences
    assert data["totals"]["words"] >= 20 and 0.3 < data["totals"]["speech_share"] <= 1.0


def test_jfk_is_searchable(service: TestClient, jfk: str) -> None:
    found = service.get("/api/search", params={"q": "country", "mode": "keyword"}).json()
    hits = [h for h in found["hits"] if h["job_id"] == jfk]
    assert hits and "<mark>country</mark>" in hits[0]["snippet"].lower()
    assert hits[0]["job_name"] == "jfk_inaugural_excerpt"
    assert 0.0 <= hits[0]["start"] < 11.0
    phrase = service.get(
        "/api/search", params={"q": '"ask not what your country"', "mode": "keyword"}
    ).json()
    assert jfk in {h["job_id"] for h in phrase["hits"]}


def test_lecture_phrases_found_where_they_were_placed(
    service: TestClient, lecture: tuple[str, LectureInfo]
) -> None:
    job_id, info = lecture
    data = service.get(f"/api/jobs/{job_id}/insights").json()
    where = {p.name: p for p in info.placements}
    expected = {
        "printing": where["ljspeech_LJ001-0001.wav"],
        "country": where["jfk_inaugural_excerpt.flac"],
        "color": where["fleurs_en_003.ogg"],
    }
    for keyword, placement in expected.items():
        found = mentions(data, keyword)
        assert found, f"{keyword!r} not found: {data['keywords']}"
        for mention in found:
            assert placement.start - TOLERANCE <= mention["start"] <= placement.end + TOLERANCE
    [cue] = [c for c in data["emphasis"] if c["phrase"] == "in passing"]
    placement = where["ljspeech_LJ001-0006.wav"]
    assert placement.start - TOLERANCE <= cue["start"] <= placement.end + TOLERANCE
    assert abs(data["totals"]["duration"] - info.duration) < 0.5


def test_lecture_study_outputs(service: TestClient, lecture: tuple[str, LectureInfo]) -> None:
    job_id, _ = lecture
    sheet = service.get(f"/api/jobs/{job_id}/transcript", params={"format": "md"}).text
    assert "### color — 1 mention" in sheet and "**in passing**" in sheet
    page = service.get(f"/api/jobs/{job_id}/transcript", params={"format": "html"}).text
    assert '<mark class="kw' in page and "color" in page
