"""The web UI's routes in-process: every page renders, static files and the npm tus client are
served, the API reference pages load nothing from the internet, and the API's `/jobs/{id}?t=`
moment links land on the session page."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import REPO
from video_transcriber.api.routes.web import VENDOR_CANDIDATES
from video_transcriber.web import VENDOR_SOURCES


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", 'id="upload-form"'),
        ("/sessions", 'id="search-form"'),
        (f"/sessions/{uuid.uuid4()}", 'id="segments"'),
        ("/keywords", 'id="keyword-list"'),
        ("/live", 'id="live-captions"'),
        ("/performance", 'id="chart-cpu"'),
    ],
)
def test_pages_render(client: TestClient, path: str, marker: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert marker in response.text
    assert 'aria-current="page"' in response.text


def test_session_page_needs_a_job_id(client: TestClient) -> None:
    assert client.get("/sessions/not-an-id").status_code == 422


def test_static_files(client: TestClient) -> None:
    assert "TranscriptView" in client.get("/static/js/transcript.js").text
    assert client.get("/static/css/app.css").status_code == 200


def _require_vendor_files() -> None:
    if not all(any(p.is_file() for p in paths) for paths in VENDOR_CANDIDATES.values()):
        pytest.skip("the npm libraries are not installed; run `make install` (needs npm)")


def test_tus_client_is_served(client: TestClient) -> None:
    _require_vendor_files()
    response = client.get("/static/vendor/tus.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "tus" in response.text[:2000]


def test_a_missing_tus_client_says_how_to_install_it(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(VENDOR_CANDIDATES, "tus.min.js", (tmp_path / "tus.min.js",))
    response = client.get("/static/vendor/tus.min.js")
    assert response.status_code == 404
    assert "make install" in response.json()["detail"]


def test_moment_links_redirect_to_the_session_page(client: TestClient) -> None:
    job_id = uuid.uuid4()
    response = client.get(f"/jobs/{job_id}?t=12.5", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/sessions/{job_id}?t=12.5"


def test_ui_routes_stay_out_of_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith(("/sessions", "/keywords", "/static", "/jobs/")) for p in paths)
    assert "/api/jobs/{job_id}/segments/{index}" in paths


def _referenced(page: str) -> list[str]:
    """The URLs a reference page loads: its scripts, styles, icon and the OpenAPI document."""
    return re.findall(r'(?:src|href|spec-url)="([^"]+)"', page) + re.findall(
        r"url: '([^']+)'", page
    )


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_reference_pages_are_served_locally(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", response.text), "the page loads something from the web"
    referenced = _referenced(response.text)
    assert "/openapi.json" in referenced
    assert len(referenced) >= 3


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_reference_pages_load_their_scripts(client: TestClient, path: str) -> None:
    _require_vendor_files()
    for url in _referenced(client.get(path).text):
        assert client.get(url).status_code == 200, url


def test_vendor_files_match_the_makefile() -> None:
    makefile = (REPO / "Makefile").read_text()
    for source in VENDOR_SOURCES:
        assert source in makefile, source
    assert '"swagger-ui-dist"' in (REPO / "package.json").read_text()


def test_unknown_vendor_files_are_not_found(client: TestClient) -> None:
    assert client.get("/static/vendor/evil.js").status_code == 404
    assert client.get("/static/vendor/..%2F..%2Fapi%2F__init__.py").status_code == 404
