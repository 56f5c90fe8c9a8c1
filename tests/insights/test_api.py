"""Insights and keyword endpoints over the running service (scripted transcripts, known text):
keyword mentions with times, sentences and links; questions across segment boundaries; emphasis
cues; totals; global and per-job keyword edits recomputing insights; md/html/json outputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.insights.conftest import run_job


def _insights(client: TestClient, job_id: str, **kwargs: Any) -> dict[str, Any]:
    response = client.get(f"/api/jobs/{job_id}/insights", **kwargs)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {k["keyword"]: k["count"] for k in data["keywords"]}


def test_insights_of_a_completed_job(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(keywords=["entropy", "Second Law"])
    job_id = run_job(client, media(8), name="Thermo")
    data = _insights(client, job_id)

    assert _counts(data) == {"entropy": 3, "Second Law": 1}
    first = data["keywords"][0]["mentions"][0]
    assert first["sentence"] == "Today we talk about entropy."
    assert (first["start"], first["link"]) == (0.0, f"/jobs/{job_id}?t=0")
    assert first["media_url"] == f"/api/jobs/{job_id}/media#t=0"
    law = data["keywords"][1]["mentions"][0]
    assert law["start"] == 6.0 and law["link"].endswith("?t=6")

    [question] = data["questions"]
    assert question["text"] == "Does this make sense?"
    assert (question["start"], question["end"]) == (2.0, 6.0)  # across two segments
    assert [(c["phrase"], c["start"]) for c in data["emphasis"]] == [
        ("on the exam", 4.0),
        ("remember", 6.0),
    ]
    assert data["emphasis"][0]["text"] == "This will be on the exam."
    totals = data["totals"]
    assert totals["duration"] == 8.0 and totals["speech_share"] == 1.0
    assert totals["words"] == 33 and round(totals["words_per_minute"]) == 248


def test_insights_wait_for_completion_and_respect_owners(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(api_keys=["alice-key", "bob-key"])
    alice = {"Authorization": "Bearer alice-key"}
    bob = {"Authorization": "Bearer bob-key"}
    job_id = run_job(client, media(8), name="Thermo", headers=alice)
    assert client.get(f"/api/jobs/{job_id}/insights", headers=bob).status_code == 404
    assert client.get(f"/api/jobs/{job_id}/insights").status_code == 401
    assert _insights(client, job_id, headers=alice)["job_name"] == "Thermo"


def test_global_keyword_edits_recompute_insights(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(keywords=["entropy"])
    job_id = run_job(client, media(8), name="Thermo")
    assert client.get("/api/keywords").json() == {"keywords": ["entropy"]}
    assert _counts(_insights(client, job_id)) == {"entropy": 3}

    response = client.put("/api/keywords", json={"keywords": ["exam", "closed  system"]})
    assert response.json() == {"keywords": ["exam", "closed system"]}
    assert _counts(_insights(client, job_id)) == {"exam": 1, "closed system": 1}

    response = client.post("/api/keywords", json={"keywords": ["EXAM", "disorder"]})
    assert response.json() == {"keywords": ["exam", "closed system", "disorder"]}
    assert _counts(_insights(client, job_id)) == {"exam": 1, "closed system": 1, "disorder": 1}

    response = client.delete("/api/keywords/Closed System")
    assert response.json() == {"keywords": ["exam", "disorder"]}
    assert _counts(_insights(client, job_id)) == {"exam": 1, "disorder": 1}
    assert client.delete("/api/keywords/never-there").status_code == 404
    assert client.put("/api/keywords", json={"keywords": ["x" * 101]}).status_code == 422


def test_keyword_lists_are_per_api_key(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(keywords=["entropy"], api_keys=["alice-key", "bob-key"])
    alice = {"Authorization": "Bearer alice-key"}
    bob = {"Authorization": "Bearer bob-key"}
    client.put("/api/keywords", json={"keywords": ["exam"]}, headers=alice)
    assert client.get("/api/keywords", headers=alice).json() == {"keywords": ["exam"]}
    assert client.get("/api/keywords", headers=bob).json() == {"keywords": ["entropy"]}
    assert client.get("/api/keywords").status_code == 401


def test_per_job_keywords_from_options_and_put(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(keywords=["entropy"])
    job_id = run_job(client, media(8), name="Thermo", options={"keywords": ["thermodynamics"]})
    assert client.get(f"/api/jobs/{job_id}").json()["status"] == "completed"
    keywords = client.get(f"/api/jobs/{job_id}/keywords").json()
    assert keywords == {
        "job_keywords": ["thermodynamics"],
        "applied_keywords": ["thermodynamics", "entropy"],
    }
    assert _counts(_insights(client, job_id)) == {"thermodynamics": 1, "entropy": 3}

    response = client.put(f"/api/jobs/{job_id}/keywords", json={"keywords": ["closed system"]})
    assert response.status_code == 200
    assert response.json()["applied_keywords"] == ["closed system", "entropy"]
    data = _insights(client, job_id)
    assert _counts(data) == {"closed system": 1, "entropy": 3}
    assert data["job_keywords"] == ["closed system"]


def test_study_sheet_and_searchable_page(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(keywords=["entropy"])
    job_id = run_job(client, media(8), name="Thermo <1>")

    sheet = client.get(f"/api/jobs/{job_id}/transcript", params={"format": "md"})
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/markdown")
    assert "### entropy — 3 mentions" in sheet.text
    assert "Does this make sense?" in sheet.text and "**on the exam**" in sheet.text

    page = client.get(f"/api/jobs/{job_id}/transcript", params={"format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Thermo &lt;1&gt;" in page.text and 'id="q"' in page.text
    assert f"/api/jobs/{job_id}/media" in page.text
    assert "attachment" in page.headers["content-disposition"]

    document = client.get(f"/api/jobs/{job_id}/transcript", params={"format": "json"}).json()
    assert document["insights"]["keywords"][0]["count"] == 3

    download = client.get(f"/api/jobs/{job_id}/insights", params={"download": True})
    assert '.insights.json"' in download.headers["content-disposition"]
    assert download.json()["keywords"][0]["keyword"] == "entropy"
    assert "md" in client.get("/api/config").json()["transcript_formats"]
