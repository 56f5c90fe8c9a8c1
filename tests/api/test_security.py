"""API keys: each job and upload is visible only to its key; unsafe production defaults refuse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.api.conftest import make_settings, wait_for_status
from video_transcriber.api.app import create_app
from video_transcriber.errors import ConfigurationError

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"Authorization": "Bearer bob-key"}


@pytest.fixture
def keyed(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(api_keys=[SecretStr("alice-key"), SecretStr("bob-key")])


def test_keys_are_required(keyed: TestClient) -> None:
    response = keyed.get("/api/jobs")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert keyed.get("/api/jobs", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert keyed.get("/api/jobs", headers={"Authorization": "Basic alice-key"}).status_code == 401
    assert keyed.post("/files/", headers={"Tus-Resumable": "1.0.0"}).status_code == 401
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/api/config").json()["auth_required"] is True


def test_jobs_are_visible_only_to_their_key(keyed: TestClient, wav: Path, data_dir: Path) -> None:
    created = keyed.post(
        "/api/jobs", files={"file": ("a.wav", wav.read_bytes())}, headers=ALICE
    ).json()
    job_id = created["id"]
    wait_for_status(keyed, job_id, {"completed"}, headers=ALICE)
    for method, path in [
        ("GET", f"/api/jobs/{job_id}"),
        ("GET", f"/api/jobs/{job_id}/transcript"),
        ("GET", f"/api/jobs/{job_id}/media"),
        ("GET", f"/api/jobs/{job_id}/events"),
        ("POST", f"/api/jobs/{job_id}/cancel"),
        ("POST", f"/api/jobs/{job_id}/retry"),
        ("DELETE", f"/api/jobs/{job_id}"),
    ]:
        assert keyed.request(method, path, headers=BOB).status_code == 404, path
    assert keyed.get("/api/jobs", headers=BOB).json()["total"] == 0
    assert keyed.get("/api/jobs", headers=ALICE).json()["total"] == 1
    assert keyed.get(f"/api/jobs/{job_id}", headers=ALICE).status_code == 200


def test_uploads_are_visible_only_to_their_key(keyed: TestClient) -> None:
    tus = {"Tus-Resumable": "1.0.0"}
    response = keyed.post("/files/", headers={**tus, "Upload-Length": "3", **ALICE})
    url = response.headers["location"]
    assert keyed.head(url, headers={**tus, **BOB}).status_code == 404
    assert keyed.delete(url, headers={**tus, **BOB}).status_code == 404
    upload_id = url.rsplit("/", 1)[-1]
    assert keyed.post("/api/jobs", json={"upload_id": upload_id}, headers=BOB).status_code == 404
    assert keyed.head(url, headers={**tus, **ALICE}).status_code == 200


def test_default_secret_is_refused_in_production(tmp_path: Path) -> None:
    settings = make_settings(tmp_path).model_copy(update={"environment": "production"})
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(settings)


def test_cors_origins_from_settings(make_client: Callable[..., TestClient]) -> None:
    client = make_client(cors_origins=["https://lectures.example"])
    response = client.options(
        "/api/jobs",
        headers={
            "Origin": "https://lectures.example",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert response.headers["access-control-allow-origin"] == "https://lectures.example"
    other = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
