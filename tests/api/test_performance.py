"""Performance API: shapes of every endpoint, optimize persisted across restarts, limits (422)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from testkit.evaluation.corpus import Clip
from tests.api.conftest import LiveServer, make_settings, wait_for_status
from tests.fakes import FakeRunner
from video_transcriber.api.app import create_app

PLAN_KEYS = {"workers", "threads_per_worker", "chunk_seconds", "batch_size", "reasons"}


def test_performance_reports_settings_plans_and_system(client: TestClient) -> None:
    body = client.get("/api/performance").json()
    assert body["current_plan"].keys() >= PLAN_KEYS
    assert body["optimal_plan"].keys() >= PLAN_KEYS
    assert body["optimal_plan"]["reasons"] and all(
        isinstance(r, str) for r in body["optimal_plan"]["reasons"]
    )
    assert body["system"]["usable_cpus"] >= 1
    assert body["system"]["available_memory_bytes"] > 0
    assert body["settings"]["model"] == "tiny.en"
    assert body["settings"]["overrides"] == {}
    assert body["limits"] == {
        "workers": [1, 16],
        "threads_per_worker": [1, 64],
        "total_threads": 64,
        "chunk_seconds": [5.0, 600.0],
        "batch_size": [1, 64],
    }


def test_optimization_lists_recommendations_with_reasons(client: TestClient) -> None:
    body = client.get("/api/performance/optimization").json()
    assert isinstance(body["recommendations"], list)
    assert body["optimal"] is (not body["recommendations"])
    for item in body["recommendations"]:
        assert {"setting", "current", "recommended", "reason", "env_var"} <= item.keys()
        assert item["env_var"].startswith("VT_TUNING__")


def test_optimization_recommends_fewer_threads_when_oversubscribed(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    assert client.post(
        "/api/performance/optimize", json={"workers": 8, "threads_per_worker": 8}
    ).is_success
    body = client.get("/api/performance/optimization").json()
    settings = {item["setting"] for item in body["recommendations"]}
    assert "tuning.workers" in settings or "tuning.threads_per_worker" in settings
    assert body["optimal"] is False


def test_live_reports_load_memory_and_queue(client: TestClient) -> None:
    body = client.get("/api/performance/live").json()
    assert 0.0 <= body["cpu_percent"] <= 100.0
    assert len(body["per_cpu_percent"]) >= 1
    assert body["memory"]["total_bytes"] >= body["memory"]["available_bytes"] > 0
    assert body["process_rss_bytes"] > 0
    assert body["active_jobs"] == 0
    assert body["queue_length"] == 0
    assert body["pool"] is None  # a fake runner: no local pool


def test_memory_reports_system_and_process_tree(client: TestClient) -> None:
    body = client.get("/api/memory").json()
    assert body["system"]["total_bytes"] > 0
    assert body["process"]["rss_bytes"] > 0
    assert body["process"]["total_rss_bytes"] >= body["process"]["rss_bytes"]
    assert isinstance(body["process"]["children"], list)
    assert body["model"]["per_worker_estimate_bytes"] > 0


def test_history_lists_finished_job_metrics(client: TestClient, wav: Path) -> None:
    with wav.open("rb") as media:
        job = client.post("/api/jobs", files={"file": ("tone.wav", media, "audio/wav")}).json()
    wait_for_status(client, job["id"], {"completed"})
    body = client.get("/api/performance/history").json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["id"] == job["id"]
    assert item["status"] == "completed"
    metrics = item["metrics"]
    assert metrics["chunk_runs"] == 3  # 3 s of media in 1 s fake chunks
    assert metrics["wall_seconds"] > 0
    assert metrics["rtf"] > 0
    assert metrics["peak_rss_bytes"] > 0
    assert body["summary"]["completed"] == 1
    assert body["summary"]["mean_rtf"] == pytest.approx(metrics["rtf"], rel=1e-3)


def test_history_is_per_owner(make_client: Callable[..., TestClient], wav: Path) -> None:
    client = make_client(api_keys=["alice-key", "bob-key"])
    alice = {"Authorization": "Bearer alice-key"}
    with wav.open("rb") as media:
        job = client.post(
            "/api/jobs", files={"file": ("a.wav", media, "audio/wav")}, headers=alice
        ).json()
    wait_for_status(client, job["id"], {"completed"}, headers=alice)
    bob = client.get("/api/performance/history", headers={"Authorization": "Bearer bob-key"})
    assert bob.json()["total"] == 0
    assert client.get("/api/performance/history", headers=alice).json()["total"] == 1
    assert client.get("/api/performance").status_code == 401


def test_optimize_values_persist_across_a_restart(data_dir: Path) -> None:
    values = {"workers": 1, "threads_per_worker": 1, "chunk_seconds": 42.0, "batch_size": 2}
    with TestClient(create_app(make_settings(data_dir), runner=FakeRunner())) as first:
        response = first.post("/api/performance/optimize", json=values)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["overrides"] == values
        assert body["plan"]["workers"] == 1
        assert body["plan"]["chunk_seconds"] == 42.0
        assert first.get("/api/performance").json()["settings"]["workers"] == 1
    saved = json.loads((data_dir / "tuning.json").read_text())
    assert saved == values
    with TestClient(create_app(make_settings(data_dir), runner=FakeRunner())) as second:
        settings = second.get("/api/performance").json()["settings"]
        assert {key: settings[key] for key in values} == values
        assert settings["overrides"] == values
        # a partial update keeps the other saved values
        second.post("/api/performance/optimize", json={"chunk_seconds": 60})
        settings = second.get("/api/performance").json()["settings"]
        assert settings["chunk_seconds"] == 60
        assert settings["workers"] == 1


def test_optimize_with_empty_body_applies_the_optimal_plan(client: TestClient) -> None:
    client.post("/api/performance/optimize", json={"workers": 3, "chunk_seconds": 30})
    optimal = client.get("/api/performance").json()["optimal_plan"]
    body = client.post("/api/performance/optimize", json={}).json()
    assert body["overrides"] == {
        "workers": optimal["workers"],
        "threads_per_worker": optimal["threads_per_worker"],
        "batch_size": optimal["batch_size"],
        "chunk_seconds": None,
    }
    settings = client.get("/api/performance").json()["settings"]
    assert settings["workers"] == optimal["workers"]
    assert settings["chunk_seconds"] is None
    assert client.get("/api/performance/optimization").json()["optimal"] is True


@pytest.mark.parametrize(
    "values",
    [
        {"workers": 0},
        {"workers": 17},  # max_workers is 16
        {"threads_per_worker": 65},
        {"workers": 16, "threads_per_worker": 8},  # 128 threads in total
        {"chunk_seconds": 1},
        {"chunk_seconds": 601},  # max_chunk_seconds is 600
        {"batch_size": 0},
        {"workers": "many"},
        {"unknown": 1},
    ],
)
def test_optimize_refuses_values_out_of_limits(client: TestClient, values: dict) -> None:
    response = client.post("/api/performance/optimize", json=values)
    assert response.status_code == 422, response.text
    assert client.get("/api/performance").json()["settings"]["overrides"] == {}


def test_optimize_answers_409_for_values_that_conflict_with_the_saved_ones(
    client: TestClient,
) -> None:
    assert client.post("/api/performance/optimize", json={"workers": 16}).status_code == 200
    response = client.post("/api/performance/optimize", json={"threads_per_worker": 8})
    assert response.status_code == 409, response.text
    assert "128 threads" in response.json()["detail"]
    assert client.get("/api/performance").json()["settings"]["overrides"] == {"workers": 16}


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_optimize_restarts_the_real_pool_and_survives_a_restart(
    live_server: Callable[..., LiveServer], jfk_clip: Clip
) -> None:
    server = live_server()
    with server.client() as http:
        assert http.get("/api/performance/live").json()["pool"]["workers"] == 2
        before = len(http.get("/api/memory").json()["process"]["children"])
        response = http.post(
            "/api/performance/optimize", json={"workers": 1, "threads_per_worker": 2}
        )
        assert response.status_code == 200, response.text
        assert response.json()["pool_restarted"] is True
        assert http.get("/api/performance/live").json()["pool"] == {
            "workers": 1,
            "threads_per_worker": 2,
        }
        deadline = time.monotonic() + 30
        while len(http.get("/api/memory").json()["process"]["children"]) >= before:
            assert time.monotonic() < deadline, "the old pool's workers did not exit"
            time.sleep(0.2)
        with jfk_clip.path.open("rb") as media:
            job = http.post(
                "/api/jobs", files={"file": (jfk_clip.path.name, media, "audio/flac")}
            ).json()
        done = wait_for_status(http, job["id"], {"completed", "failed"}, timeout=300)
        assert done["status"] == "completed", done["error"]
        assert done["metrics"]["workers"] == 1
    server.stop()
    server.start()
    with server.client() as http:
        assert http.get("/api/performance/live").json()["pool"] == {
            "workers": 1,
            "threads_per_worker": 2,
        }
        assert http.get("/api/performance").json()["settings"]["overrides"] == {
            "workers": 1,
            "threads_per_worker": 2,
        }
