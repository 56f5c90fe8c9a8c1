"""`GET /metrics`: valid Prometheus text that counts jobs, chunks, uploads and real-time factors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import wait_for_status

P = "video_transcriber"


def samples(client: TestClient, **kwargs: object) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_a_finished_job(client: TestClient, wav: Path) -> None:
    before = samples(client)
    assert before[(f"{P}_jobs", (("status", "completed"),))] == 0
    assert before[(f"{P}_queue_length", ())] == 0
    with wav.open("rb") as media:
        job = client.post("/api/jobs", files={"file": ("tone.wav", media, "audio/wav")}).json()
    wait_for_status(client, job["id"], {"completed"})
    after = samples(client)
    assert after[(f"{P}_jobs", (("status", "completed"),))] == 1
    assert after[(f"{P}_jobs", (("status", "running"),))] == 0
    assert after[(f"{P}_chunks_transcribed_total", ())] == 3
    assert after[(f"{P}_chunk_decode_seconds_count", ())] == 3
    assert after[(f"{P}_job_rtf_count", ())] == 1
    assert after[(f"{P}_job_rtf_sum", ())] > 0
    uploaded = after[(f"{P}_upload_bytes_total", (("kind", "multipart"),))]
    assert uploaded >= wav.stat().st_size


def test_each_app_has_its_own_registry(
    make_client: Callable[..., TestClient], wav: Path, tmp_path: Path
) -> None:
    first = make_client()
    with wav.open("rb") as media:
        job = first.post("/api/jobs", files={"file": ("tone.wav", media, "audio/wav")}).json()
    wait_for_status(first, job["id"], {"completed"})
    from tests.api.conftest import make_settings
    from tests.fakes import FakeRunner
    from video_transcriber.api.app import create_app

    with TestClient(create_app(make_settings(tmp_path / "other"), runner=FakeRunner())) as second:
        assert samples(second)[(f"{P}_chunks_transcribed_total", ())] == 0
    assert samples(first)[(f"{P}_chunks_transcribed_total", ())] == 3


def test_metrics_need_a_key_when_keys_are_set(make_client: Callable[..., TestClient]) -> None:
    client = make_client(api_keys=["k1"])
    assert client.get("/metrics").status_code == 401
    assert samples(client, headers={"Authorization": "Bearer k1"})
