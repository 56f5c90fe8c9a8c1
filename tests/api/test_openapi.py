"""Schemathesis over /openapi.json: whatever it sends, the service answers without a 5xx.

Bounded on purpose (few examples per operation); the app runs in-process with the fake runner.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import make_settings
from tests.fakes import FakeRunner
from video_transcriber.api.app import create_app

MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def api_schema() -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="vt-openapi-") as directory:
        app = create_app(make_settings(Path(directory) / "data"), runner=FakeRunner())
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors(api_schema: Any) -> None:
    """Each operation gets a few generated requests; none may answer 5xx."""
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert not failures, "\n".join(sorted(set(failures)))


def test_openapi_documents_both_ways_to_create_a_job(api_schema: Any) -> None:
    document = api_schema.raw_schema
    body = document["paths"]["/api/jobs"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert "JobCreate" in document["components"]["schemas"]
    for path in ("/api/jobs/{job_id}/events", "/api/jobs/{job_id}/transcript", "/healthz"):
        assert path in document["paths"]
