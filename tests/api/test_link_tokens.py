"""Signed link tokens (`POST /api/jobs/{id}/token`, `?token=`): with API keys, a browser reaches
one job's media, transcript, events and insights by URL; nothing else, no other job, not after
expiry, never for a write, and never with the raw API key in the query string."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.api.conftest import wait_for_status
from video_transcriber.api.security import LinkSigner, owner_of

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"Authorization": "Bearer bob-key"}
READS = ("media", "transcript?format=srt", "events", "insights?download=true")


@pytest.fixture
def keyed(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(api_keys=[SecretStr("alice-key"), SecretStr("bob-key")])


def finished_job(client: TestClient, wav: Path, headers: dict[str, str]) -> str:
    response = client.post(
        "/api/jobs", files={"file": ("a.wav", wav.read_bytes())}, headers=headers
    )
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    wait_for_status(client, job_id, {"completed"}, headers=headers)
    return job_id


def mint(client: TestClient, job_id: str, headers: dict[str, str]) -> str:
    response = client.post(f"/api/jobs/{job_id}/token", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert 0 < datetime.fromisoformat(body["expires_at"]).timestamp() - time.time() <= 900
    token: str = body["token"]
    return token


def with_token(path: str, token: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}token={token}"


def test_a_token_opens_that_jobs_reads_without_a_header(keyed: TestClient, wav: Path) -> None:
    job_id = finished_job(keyed, wav, ALICE)
    token = mint(keyed, job_id, ALICE)
    for read in READS:
        path = f"/api/jobs/{job_id}/{read}"
        assert keyed.get(path).status_code == 401, path
        response = keyed.get(with_token(path, token))
        assert response.status_code == 200, (path, response.text)
    ranged = keyed.get(f"/api/jobs/{job_id}/media?token={token}", headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and len(ranged.content) == 10


def test_a_token_is_good_for_its_own_job_only(keyed: TestClient, wav: Path) -> None:
    first, second = finished_job(keyed, wav, ALICE), finished_job(keyed, wav, ALICE)
    bobs = finished_job(keyed, wav, BOB)
    token = mint(keyed, first, ALICE)
    for job_id in (second, bobs):
        for read in READS:
            path = with_token(f"/api/jobs/{job_id}/{read}", token)
            assert keyed.get(path).status_code == 401, path
    # A key still decides when one is sent: Bob's key with Alice's token sees no such job.
    assert keyed.get(f"/api/jobs/{first}/media?token={token}", headers=BOB).status_code == 404
    # Nobody mints tokens for another owner's job.
    assert keyed.post(f"/api/jobs/{first}/token", headers=BOB).status_code == 404
    assert keyed.post(f"/api/jobs/{first}/token").status_code == 401


def test_expired_forged_and_foreign_tokens_are_refused(keyed: TestClient, wav: Path) -> None:
    job_id = finished_job(keyed, wav, ALICE)
    owner = owner_of("alice-key")
    signer: LinkSigner = keyed.app.state.link_signer  # type: ignore[attr-defined]
    good = signer.mint(job_id, owner).token
    expiry, _, signature = good.partition(".")
    stale = signer.mint(job_id, owner, now=time.time() - 3600).token
    other_secret = LinkSigner(SecretStr("another-secret"), ttl_seconds=900).mint(job_id, owner)
    forged = [
        stale,
        other_secret.token,
        f"{int(expiry) + 3600}.{signature}",  # a later expiry under the old signature
        f"{expiry}.{signature[:-2]}AA",
        f"{expiry}.",
        "garbage",
        "alice-key",  # the raw API key is never a token
    ]
    path = f"/api/jobs/{job_id}/transcript"
    assert keyed.get(path, params={"token": good}).status_code == 200
    for token in forged:
        response = keyed.get(path, params={"token": token})
        assert response.status_code == 401, token
        assert response.headers["www-authenticate"] == "Bearer"
    assert keyed.get(path, params={"api_key": "alice-key"}).status_code == 401
    missing = f"/api/jobs/{'0' * 8}-0000-4000-8000-{'0' * 12}/media"
    assert keyed.get(missing, params={"token": good}).status_code == 401


def test_a_token_never_authorizes_writes_or_other_reads(keyed: TestClient, wav: Path) -> None:
    job_id = finished_job(keyed, wav, ALICE)
    token = mint(keyed, job_id, ALICE)
    for method, path in [
        ("POST", f"/api/jobs/{job_id}/retry"),
        ("POST", f"/api/jobs/{job_id}/cancel"),
        ("POST", f"/api/jobs/{job_id}/token"),
        ("PUT", f"/api/jobs/{job_id}/keywords"),
        ("PATCH", f"/api/jobs/{job_id}/segments/0"),
        ("DELETE", f"/api/jobs/{job_id}"),
        ("GET", f"/api/jobs/{job_id}"),
        ("GET", f"/api/jobs/{job_id}/keywords"),
        ("GET", "/api/search?q=tone"),
        ("GET", "/api/jobs"),
        ("GET", "/api/keywords"),
    ]:
        response = keyed.request(method, path, params={"token": token}, json={"text": "x"})
        assert response.status_code == 401, (method, path, response.status_code)
    assert keyed.get(f"/api/jobs/{job_id}", headers=ALICE).json()["status"] == "completed"


def test_without_keys_tokens_are_minted_but_not_needed(client: TestClient, wav: Path) -> None:
    job_id = finished_job(client, wav, {})
    assert mint(client, job_id, {})
    assert client.get(f"/api/jobs/{job_id}/media").status_code == 200
    assert client.get(f"/api/jobs/{job_id}/media?token=garbage").status_code == 200


def test_signer_binds_job_owner_and_expiry() -> None:
    signer = LinkSigner(SecretStr("s3cret"), ttl_seconds=60)
    minted = signer.mint("job-1", "owner-a", now=1000.0)
    assert minted.expires_at == 1060
    assert signer.verify(minted.token, "job-1", "owner-a", now=1059.0)
    assert not signer.verify(minted.token, "job-1", "owner-a", now=1061.0)
    assert not signer.verify(minted.token, "job-2", "owner-a", now=1000.0)
    assert not signer.verify(minted.token, "job-1", "owner-b", now=1000.0)
