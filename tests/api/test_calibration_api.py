"""POST /api/performance/calibrate runs the real calibration in the background (real model,
the generated real-speech sample, real SQLite); GET /api/performance/calibration shows its
progress and result, and the optimal plan then cites the measurement. A second start while it
runs is 409, and so is a start with no recording to measure on."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

QUICK = {
    "VT_CALIBRATION__MIN_CHUNKS": "1",
    "VT_CALIBRATION__CHUNKS_PER_WORKER": "1",
    "VT_CALIBRATION__REPEATS": "1",
    "VT_CALIBRATION__BATCH_SIZES": "[4]",
}


def wait_done(client: TestClient, timeout: float = 240.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get("/api/performance/calibration").json()
        if body["state"] != "running":
            return body
        time.sleep(0.5)
    raise AssertionError("calibration did not finish")


def test_calibrate_then_the_plan_cites_it(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in QUICK.items():
        monkeypatch.setenv(name, value)
    client = make_client()
    before = client.get("/api/performance/calibration").json()
    assert before["state"] == "idle" and before["last"] is None and len(before["machine_key"]) == 16
    formula = client.get("/api/performance").json()["optimal_plan"]["reasons"]
    assert any("No calibration of tiny.en on this machine" in r for r in formula)

    started = client.post("/api/performance/calibrate")
    assert started.status_code == 202 and started.json()["state"] == "running"
    again = client.post("/api/performance/calibrate")
    assert again.status_code == 409 and "already running" in again.json()["detail"]

    body = wait_done(client)
    assert body["state"] == "completed", body
    assert body["done"] == body["total"] >= 1
    last = body["last"]
    assert last["model"] == "tiny.en" and last["machine"]["key"] == body["machine_key"]
    assert all(shape["throughput"] > 1.0 for shape in last["shapes"])  # faster than real time
    fastest = last["fastest"]
    reasons = client.get("/api/performance").json()["optimal_plan"]["reasons"]
    label = f"{fastest['workers']}x{fastest['threads']}: {fastest['throughput']:.0f} s of media"
    assert any(r.startswith("Measured on this machine (tiny.en") and label in r for r in reasons)


def test_calibrate_without_a_recording_is_a_409_that_says_what_to_do(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VT_CALIBRATION__SAMPLE")  # and the fresh data directory has no media
    client = make_client()
    refused = client.post("/api/performance/calibrate")
    assert refused.status_code == 409
    assert (
        "--sample" in refused.json()["detail"]
        and "transcribe a lecture" in refused.json()["detail"]
    )
    assert client.get("/api/performance/calibration").json()["state"] == "idle"
