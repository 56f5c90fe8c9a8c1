"""Server-Sent Events: a stream that progresses and ends with the final status."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.fakes import FakeRunner
from tests.media_files import write_wav


def read_events(client: TestClient, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    kind = ""
    with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((kind, json.loads(line.split(":", 1)[1])))
    return events


def test_stream_progresses_and_ends_completed(
    make_client: Callable[..., TestClient], tmp_path: Path
) -> None:
    client = make_client(FakeRunner(delay=0.15))
    media = write_wav(tmp_path / "long.wav", seconds=6.0)
    job = client.post("/api/jobs", files={"file": ("long.wav", media.read_bytes())}).json()
    events = read_events(client, job["id"])
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "status" and events[-1][1]["status"] == "completed"
    percents = [data["percent"] for kind, data in events if kind == "progress"]
    assert len(percents) >= 3 and percents == sorted(percents) and percents[-1] == 100.0
    assert len(set(percents)) >= 3
    segments = [s["text"] for kind, data in events if kind == "segments" for s in data["segments"]]
    assert segments == [f"chunk {i}" for i in range(6)]
    chunks = [data["chunks_done"] for kind, data in events if kind == "progress"]
    assert chunks[-1] == 6


def test_stream_of_a_finished_job_is_one_status(client: TestClient, wav: Path) -> None:
    job = client.post("/api/jobs", files={"file": ("a.wav", wav.read_bytes())}).json()
    read_events(client, job["id"])  # waits until it ends
    events = read_events(client, job["id"])
    assert events == [("status", events[0][1])] and events[0][1]["status"] == "completed"


def test_stream_of_an_unknown_job_is_404(client: TestClient) -> None:
    assert client.get(f"/api/jobs/{uuid.uuid4()}/events").status_code == 404


def test_stream_opened_mid_job_starts_with_the_chunks_already_done(
    make_client: Callable[..., TestClient], tmp_path: Path
) -> None:
    client = make_client(FakeRunner(delay=0.3))
    media = write_wav(tmp_path / "long.wav", seconds=6.0)
    job = client.post("/api/jobs", files={"file": ("long.wav", media.read_bytes())}).json()
    deadline = time.monotonic() + 30
    while client.get(f"/api/jobs/{job['id']}").json()["progress"]["chunks_done"] < 2:
        assert time.monotonic() < deadline, "the job did not get going"
        time.sleep(0.05)
    events = read_events(client, job["id"])
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "status" and kinds[1] == "segments", kinds
    chunks = [data["chunk_index"] for kind, data in events if kind == "segments"]
    assert sorted(chunks) == list(range(6)), chunks  # every chunk once, none twice
    segments = [s["text"] for kind, data in events if kind == "segments" for s in data["segments"]]
    assert sorted(segments) == [f"chunk {i}" for i in range(6)]
