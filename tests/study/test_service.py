"""The study tools in the running service (real SQLite, real HTTP through the app, the real
embedding model; transcripts scripted from the corpus references): chapters in JSON, MD, the
chapters VTT track and the insights API; semantic and hybrid search scoped to the caller's API
key; a corrected segment is re-embedded (only what changed) and found by meaning."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webvtt
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.conftest import _database_params
from tests.formats.validators import validate_vtt
from tests.insights.conftest import run_job
from tests.media_files import write_wav
from tests.scaleout import empty_tables
from tests.study.service import FOUR_TOPICS, LECTURES, StudyRunner
from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"Authorization": "Bearer bob-key"}


@pytest.fixture(scope="module", params=_database_params())
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The service on SQLite and (with VT_TEST_POSTGRES_URL, as on CI) on PostgreSQL."""
    url = None
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        empty_tables(url)
    root = tmp_path_factory.mktemp("study-service")
    keys = [SecretStr("alice-key"), SecretStr("bob-key")]
    settings = Settings(
        service=ServiceSettings(data_dir=root / "data", api_keys=keys),
        database_url=url,
    )
    with TestClient(create_app(settings, runner=StudyRunner())) as client:
        yield client


@pytest.fixture(scope="module")
def jobs(service: TestClient, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("study-media")

    def wav(seconds: int) -> Path:
        return write_wav(root / f"{seconds}.wav", seconds=float(seconds))

    return {
        "lecture": run_job(service, wav(FOUR_TOPICS), name="Four topics", headers=ALICE),
        "printing": run_job(service, wav(4), name="Printing", headers=ALICE),
        "objects": run_job(service, wav(5), name="Objects", headers=BOB),
    }


def _get(service: TestClient, url: str, headers: dict[str, str], **params: Any) -> Any:
    response = service.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_the_chapters_track_validates_and_follows_the_topics(
    service: TestClient, jobs: dict[str, str]
) -> None:
    response = _get(service, f"/api/jobs/{jobs['lecture']}/transcript", ALICE, format="chapters")
    assert response.headers["content-type"].startswith("text/vtt")
    assert ".chapters.vtt" in response.headers["content-disposition"]
    cues = validate_vtt(response.text)
    assert len(cues) == 4
    assert cues[0][0] == 0
    for (_, end, _), (start, _, _) in itertools.pairwise(cues):
        assert end == start  # chapters tile the recording
    truth = LECTURES[FOUR_TOPICS].topic_starts
    assert all(abs(cue[0] / 1000 - t) <= 15 for cue, t in zip(cues[1:], truth, strict=True))
    parsed = webvtt.from_string(response.text)
    assert [c.text for c in parsed.captions] == [cue[2] for cue in cues]


def test_chapters_and_the_study_guide_are_in_json_md_and_the_insights_api(
    service: TestClient, jobs: dict[str, str]
) -> None:
    url = f"/api/jobs/{jobs['lecture']}"
    document = _get(service, f"{url}/transcript", ALICE, format="json").json()
    assert document["chapters"][0]["start"] == 0.0
    assert len(document["chapters"]) == 4
    sheet = _get(service, f"{url}/transcript", ALICE, format="md").text
    assert "## Chapters (4)" in sheet and "## Key sentences" in sheet and "## Key terms" in sheet
    assert "\n0:00 " in sheet  # the YouTube-style list
    study = _get(service, f"{url}/insights", ALICE).json()["study"]
    assert len(study["chapters"]) == 4
    assert 5 <= len(study["key_sentences"]) <= 10
    assert study["key_terms"] and all(t["link"].startswith("/jobs/") for t in study["key_terms"])
    assert study["chapters"][1]["link"].startswith(f"/jobs/{jobs['lecture']}?t=")


def test_a_paraphrase_finds_its_session_and_moment(
    service: TestClient, jobs: dict[str, str]
) -> None:
    body = _get(
        service, "/api/search", BOB, q="jewellery suited to a punctured earlobe", mode="semantic"
    ).json()
    assert body["mode"] == "semantic"
    best = body["hits"][0]
    assert best["job_id"] == jobs["objects"] and best["matched_by"] == ["semantic"]
    assert best["start"] <= 9.0  # "The gold ring fits only a pierced ear" is the second sentence
    assert best["link"].startswith(f"/jobs/{jobs['objects']}?t=")


def test_another_keys_sessions_never_appear_in_semantic_or_hybrid_hits(
    service: TestClient, jobs: dict[str, str]
) -> None:
    for mode in ("semantic", "hybrid"):
        body = _get(service, "/api/search", ALICE, q="a cask of ale made from grain", mode=mode)
        found = {hit["job_id"] for hit in body.json()["hits"]}
        assert found and jobs["objects"] not in found
        assert found <= {jobs["lecture"], jobs["printing"]}
    mine = _get(service, "/api/search", BOB, q="a cask of ale made from grain").json()
    assert mine["mode"] == "hybrid"
    assert {hit["job_id"] for hit in mine["hits"]} == {jobs["objects"]}


def test_hybrid_marks_moments_both_searches_found(
    service: TestClient, jobs: dict[str, str]
) -> None:
    body = _get(service, "/api/search", ALICE, q="Gutenberg Bible").json()
    assert body["hits"][0]["matched_by"] == ["keyword", "semantic"]
    assert "<mark>" in body["hits"][0]["snippet"]
    keyword = _get(service, "/api/search", ALICE, q="Gutenberg Bible", mode="keyword").json()
    assert keyword["mode"] == "keyword" and keyword["total"] >= 1


def test_a_correction_is_re_embedded_and_found_by_meaning(
    service: TestClient, jobs: dict[str, str]
) -> None:
    job = jobs["printing"]
    segments = _get(service, f"/api/jobs/{job}/transcript", ALICE, format="json").json()
    last = segments["segments"][-1]
    text = "The platypus lays eggs even though it is a mammal."
    response = service.patch(
        f"/api/jobs/{job}/segments/{last['id']}", json={"text": text}, headers=ALICE
    )
    assert response.status_code == 200, response.text
    study = service.app.state.insights.study  # type: ignore[attr-defined]
    assert 1 <= study.last_embedded <= 2  # only the passage(s) holding the corrected segment
    hits = _get(
        service, "/api/search", ALICE, q="an egg-laying animal that nurses", mode="semantic"
    ).json()["hits"]
    assert hits[0]["job_id"] == job
    assert "platypus" in hits[0]["snippet"]
    assert hits[0]["start"] <= last["start"] <= hits[0]["end"]


def test_the_html_page_has_a_chapter_bar_and_the_study_lists(
    service: TestClient, jobs: dict[str, str]
) -> None:
    page = _get(service, f"/api/jobs/{jobs['lecture']}/transcript", ALICE, format="html").text
    bar = page[page.index('<nav class="chapters"') : page.index("</nav>")]
    assert bar.count("data-start=") == 4 and 'data-start="0.000"' in bar
    for heading in ("Chapters (4)", "Key sentences (", "Key terms ("):
        assert f"<h2>{heading}" in page
