"""The upload page sends a file as parallel partial uploads (tus-js-client `parallelUploads`),
each saying where it belongs, joined by one final request; the job's media is the file, byte for
byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request

from tests.api.conftest import LiveServer
from tests.media_files import write_wav

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_file_goes_up_in_parallel_parts_and_arrives_whole(
    page: Page, server: LiveServer, tmp_path: Path
) -> None:
    media = write_wav(tmp_path / "parallel-lecture.wav", seconds=40.0)  # ~1.3 MB, 256 KiB chunks
    creations: list[dict[str, str]] = []
    page.on(
        "request",
        lambda request: creations.append(request.headers) if _is_creation(request) else None,
    )
    page.goto("/")
    page.set_input_files("#file-input", str(media))
    page.click("#start-upload")
    page.wait_for_url("**/sessions/*", timeout=120_000)

    partials = [h for h in creations if h.get("upload-concat") == "partial"]
    finals = [h for h in creations if h.get("upload-concat", "").startswith("final;")]
    assert len(partials) == 4 and len(finals) == 1
    layouts = sorted(h["upload-concat-layout"].split() for h in partials)
    assert {token for token, _, _ in layouts} == {layouts[0][0]}  # one file, one token
    assert {total for _, _, total in layouts} == {str(media.stat().st_size)}
    assert len(finals[0]["upload-concat"].removeprefix("final;").split()) == 4

    job_id = page.url.rsplit("/", 1)[-1]
    with server.client() as http:
        assert http.get(f"/api/jobs/{job_id}/media").content == media.read_bytes()


def _is_creation(request: Request) -> bool:
    return request.method == "POST" and request.url.rstrip("/").endswith("/files")
