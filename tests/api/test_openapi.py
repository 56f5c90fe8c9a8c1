"""The OpenAPI document in-process: schemathesis finds no 5xx in a few examples per operation
(the full contract, every check against a live server, is `test_contract.py`), and the parts of
the document and the error handling that `api.openapi` and `api.errors` add.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr

from tests.api.conftest import make_settings
from tests.fakes import FakeRunner
from video_transcriber.api.app import create_app
from video_transcriber.api.openapi import digits_at_most

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


def test_validation_errors_have_the_one_error_shape(client: TestClient) -> None:
    response = client.post("/api/performance/optimize", json={"workers": 0, "batch_size": True})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("The request is not valid (body.workers: ")
    locations = [error["loc"] for error in body["errors"]]
    assert locations == [["body", "workers"], ["body", "batch_size"]]
    assert {"loc", "msg", "type"} == set(body["errors"][0])  # the input is not echoed


def test_the_document_has_no_fastapi_validation_shape(api_schema: Any) -> None:
    document = api_schema.raw_schema
    assert "HTTPValidationError" not in document["components"]["schemas"]
    invalid = document["paths"]["/api/jobs/{job_id}"]["get"]["responses"]["422"]
    assert invalid["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    keywords = document["paths"]["/api/keywords"]["put"]["responses"]
    assert "400" in keywords  # a body that is not UTF-8 JSON, refused before validation


def test_405_and_options_name_every_method_of_the_path(client: TestClient) -> None:
    refused = client.put("/api/jobs")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, OPTIONS, POST"
    assert "use GET, OPTIONS, POST" in refused.json()["detail"]
    options = client.options("/files/0123456789abcdef0123456789abcdef")
    assert options.status_code == 204
    assert options.headers["allow"] == "DELETE, HEAD, OPTIONS, PATCH"
    collection = client.options("/files/")
    assert collection.status_code == 204
    assert collection.headers["allow"] == "OPTIONS, POST"


def test_the_api_key_is_documented_as_the_service_needs_it(tmp_path: Path) -> None:
    open_doc = create_app(make_settings(tmp_path / "open"), runner=FakeRunner()).openapi()
    keyed = make_settings(tmp_path / "keyed")
    keyed.service.api_keys = [SecretStr("key-one")]
    keyed_doc = create_app(keyed, runner=FakeRunner()).openapi()
    for document in (open_doc, keyed_doc):
        scheme = document["components"]["securitySchemes"]["ApiKey"]
        assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    open_job = open_doc["paths"]["/api/jobs/{job_id}"]["get"]
    keyed_job = keyed_doc["paths"]["/api/jobs/{job_id}"]["get"]
    assert open_job["security"] == [{"ApiKey": []}, {}]  # optional without keys
    assert "401" not in open_job["responses"]
    assert keyed_job["security"] == [{"ApiKey": []}]
    assert keyed_job["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert "security" not in keyed_doc["paths"]["/healthz"]["get"]


def test_the_document_states_this_services_limits(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", max_upload_bytes=1000)
    settings.tuning.default_workers = settings.tuning.max_workers = 4
    document = create_app(settings, runner=FakeRunner()).openapi()
    bands = document["components"]["schemas"]["OptimizeRequest"]["anyOf"]
    ranges = [
        (band["properties"]["workers"]["anyOf"][0], band["properties"]["threads_per_worker"])
        for band in bands
    ]
    assert [(w["minimum"], w["maximum"], t["anyOf"][0]["maximum"]) for w, t in ranges] == [
        (1, 1, 64),
        (2, 2, 32),
        (3, 3, 21),
        (4, 4, 16),
    ]
    creation = {p["name"]: p for p in document["paths"]["/files/"]["post"]["parameters"]}
    assert creation["tus-resumable"]["required"] is True
    assert re.fullmatch(creation["upload-length"]["schema"]["pattern"], "1000")
    assert not re.fullmatch(creation["upload-length"]["schema"]["pattern"], "1001")


@pytest.mark.parametrize("limit", [0, 7, 10, 99, 100, 1000, 1073741824])
def test_digits_at_most(limit: int) -> None:
    pattern = re.compile(digits_at_most(limit))
    for value in {0, 1, 9, 10, 11, 99, 100, 101, limit - 1, limit, limit + 1, 10 * limit + 3}:
        if value >= 0:
            assert bool(pattern.fullmatch(str(value))) is (value <= limit), value
            assert bool(pattern.fullmatch(f"00{value}")) is (value <= limit), value
    assert not pattern.fullmatch("") and not pattern.fullmatch("-1") and not pattern.fullmatch("1a")
