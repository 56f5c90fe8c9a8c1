"""`GET /api/search` over the running service: ranking, highlighted snippets, links, paging,
owner isolation under API keys, hostile query strings, and deleted jobs leaving the index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.insights.conftest import run_job

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"Authorization": "Bearer bob-key"}
FINDS_ENTROPY = {"entropy*", "entropy OR", "NEAR(entropy", "entropy AND (", "^entropy", "-entropy"}


def _search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    headers = params.pop("h", None)
    params.setdefault("mode", "keyword")  # ranking and paging of the keyword index
    response = client.get("/api/search", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_frequent_term_ranks_its_job_first_with_marked_snippets(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service()
    lecture = run_job(client, media(8), name="Thermo")
    other = run_job(client, media(6), name="Printing")

    found = _search(client, "entropy")
    assert found["total"] == 2 and found["terms"] == ["entropy"]
    best, second = found["hits"]
    assert (best["job_id"], best["job_name"], best["segment_index"]) == (lecture, "Thermo", 0)
    assert second["job_id"] == other and best["score"] > second["score"]
    assert best["snippet"].count("<mark>") == 3 and "<mark>Entropy</mark>" in best["snippet"]
    assert (best["start"], best["end"]) == (0.0, 2.0)
    assert best["link"] == f"/jobs/{lecture}?t=0"
    assert best["media_url"] == f"/api/jobs/{lecture}/media#t=0"
    assert "today&#x27;s" in second["snippet"] or "today's" in second["snippet"]

    phrase = _search(client, '"second law"')["hits"]
    assert [h["job_id"] for h in phrase] == [lecture]
    assert "the <mark>second law</mark> of" in phrase[0]["snippet"]
    assert _search(client, "printing")["total"] == 2  # stemming: printing, Printing
    assert _search(client, "entropy printing")["total"] == 1  # all terms, one segment


def test_paging(make_service: Callable[..., TestClient], media: Callable[[int], Path]) -> None:
    client = make_service()
    run_job(client, media(8), name="Thermo")
    run_job(client, media(6), name="Printing")
    everything = _search(client, "entropy", limit=10)["hits"]
    first = _search(client, "entropy", limit=1, offset=0)
    second = _search(client, "entropy", limit=1, offset=1)
    assert first["total"] == second["total"] == 2
    assert first["hits"] + second["hits"] == everything
    assert _search(client, "entropy", limit=1, offset=5)["hits"] == []
    assert client.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422


def test_search_never_returns_another_keys_jobs(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service(api_keys=["alice-key", "bob-key"])
    alices = run_job(client, media(8), name="Alice's lecture", headers=ALICE)
    bobs = run_job(client, media(6), name="Bob's lecture", headers=BOB)

    alice_hits = _search(client, "entropy", h=ALICE)["hits"]
    bob_hits = _search(client, "entropy", h=BOB)["hits"]
    assert {h["job_id"] for h in alice_hits} == {alices}
    assert {h["job_id"] for h in bob_hits} == {bobs}
    assert _search(client, "thermodynamics", h=BOB)["total"] == 0
    assert client.get("/api/search", params={"q": "entropy"}).status_code == 401


@pytest.mark.parametrize(
    "query",
    ['"', '""', "*", "entropy*", "OR", "entropy OR", "NEAR(", "NEAR(entropy",
     "NEAR(entropy law, 2)", "entropy AND (", "-entropy", "^entropy", "col:entropy", "a'b",
     "{}[]", "\x00", "😀",
     "'; DROP TABLE jobs; --", "entropy \"unclosed", "    "],
)  # fmt: skip
def test_hostile_queries_are_answered_not_crashed(
    make_service: Callable[..., TestClient], media: Callable[[int], Path], query: str
) -> None:
    client = make_service()
    run_job(client, media(8), name="Thermo")
    response = client.get("/api/search", params={"q": query, "mode": "keyword"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["hits"])
    if query in FINDS_ENTROPY:
        assert body["total"] == 1 and "<mark>" in body["hits"][0]["snippet"]


def test_deleted_jobs_leave_the_index(
    make_service: Callable[..., TestClient], media: Callable[[int], Path]
) -> None:
    client = make_service()
    lecture = run_job(client, media(8), name="Thermo")
    assert _search(client, "entropy")["total"] == 1
    assert client.delete(f"/api/jobs/{lecture}").status_code == 204
    assert _search(client, "entropy")["total"] == 0
