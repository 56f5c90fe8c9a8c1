"""Correcting a segment (`PATCH /api/jobs/{id}/segments/{index}`): every export, the search
index and the insights follow the corrected text; unfinished jobs and bad indices are refused."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_for_status
from tests.api.test_jobs_api import upload
from tests.fakes import FakeRunner


@pytest.fixture
def done_job(client: TestClient, wav: Path) -> str:
    job_id: str = upload(client, wav)["id"]
    wait_for_status(client, job_id, {"completed"})
    return job_id


def test_correction_reaches_every_export_search_and_insights(
    client: TestClient, done_job: str
) -> None:
    response = client.patch(
        f"/api/jobs/{done_job}/segments/1", json={"text": "  the  corrected entropy line "}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "index": 1,
        "start": 1.0,
        "end": 2.0,
        "text": "the corrected entropy line",
    }
    for fmt in ("txt", "srt", "vtt", "tsv", "md", "html"):
        body = client.get(f"/api/jobs/{done_job}/transcript", params={"format": fmt}).text
        assert "the corrected entropy line" in body, fmt
        assert "chunk 1" not in body, fmt
    doc = json.loads(client.get(f"/api/jobs/{done_job}/transcript?format=json").text)
    assert [s["text"] for s in doc["segments"]][:3] == [
        "chunk 0",
        "the corrected entropy line",
        "chunk 2",
    ]
    hits = client.get("/api/search", params={"q": "entropy", "mode": "keyword"}).json()["hits"]
    assert [(h["job_id"], h["segment_index"]) for h in hits] == [(done_job, 1)]
    client.put(f"/api/jobs/{done_job}/keywords", json={"keywords": ["entropy"]})
    insights = client.get(f"/api/jobs/{done_job}/insights").json()
    assert insights["keywords"][0]["count"] == 1


def test_bad_index_blank_text_and_unknown_job(client: TestClient, done_job: str) -> None:
    missing = client.patch(f"/api/jobs/{done_job}/segments/99", json={"text": "x"})
    assert missing.status_code == 404
    assert "3 segments" in missing.json()["detail"]
    blank = client.patch(f"/api/jobs/{done_job}/segments/0", json={"text": "   "})
    assert blank.status_code == 422
    extra = client.patch(f"/api/jobs/{done_job}/segments/0", json={"text": "a", "start": 3})
    assert extra.status_code == 422
    unknown = client.patch(f"/api/jobs/{uuid.uuid4()}/segments/0", json={"text": "x"})
    assert unknown.status_code == 404


def test_unfinished_job_is_409(make_client: Callable[..., TestClient], wav: Path) -> None:
    gate = threading.Event()
    client = make_client(runner=FakeRunner(gate=gate))
    job_id = upload(client, wav)["id"]
    response = client.patch(f"/api/jobs/{job_id}/segments/0", json={"text": "x"})
    gate.set()
    assert response.status_code == 409
    assert "not ready" in response.json()["detail"]
