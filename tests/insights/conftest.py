"""Service fixtures for the insights and search API: an in-process app whose runner returns
scripted transcripts (chosen by the uploaded WAV's length), so keyword, question and search
behaviour is tested on exactly known text; real speech is in `test_real_speech.py`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_for_status
from tests.media_files import write_wav
from video_transcriber.api.app import create_app
from video_transcriber.config import ServiceSettings, Settings
from video_transcriber.domain import (
    ChunkResult,
    Progress,
    Segment,
    Stage,
    Transcript,
)
from video_transcriber.media.probe import probe
from video_transcriber.pipeline.runner import RunRequest

Script = Sequence[tuple[float, float, str]]

LECTURE: Script = [
    (0.0, 2.0, "Today we talk about entropy. Entropy measures disorder, and entropy"),
    (2.0, 4.0, "always grows in a closed system. Does this"),
    (4.0, 6.0, "make sense? Good. This will be on the exam."),
    (6.0, 8.0, "Remember the second law of thermodynamics."),
]
"""8 s: entropy three times, a question across a segment boundary, two emphasis cues."""

OTHER: Script = [
    (0.0, 3.0, "A talk about the history of printing with movable types."),
    (3.0, 6.0, "Printing changed Europe; entropy is not today's subject at all, really."),
]
"""6 s: printing, and one passing mention of entropy in a long segment."""

SCRIPTS: dict[int, Script] = {8: LECTURE, 6: OTHER}


class ScriptedRunner:
    """A `JobRunner` returning the script whose length (whole seconds) matches the media's."""

    def chunk_seconds(self, duration: float | None) -> float:
        return 30.0

    def transcribe(self, request: RunRequest) -> Transcript:
        duration = probe(request.path).duration
        segments = [Segment(s, e, text) for s, e, text in SCRIPTS[round(duration)]]
        request.on_chunk(ChunkResult(0, tuple(segments), "en", 0.01))
        request.on_progress(Progress(Stage.TRANSCRIBING, 100.0, 1, 1))
        return Transcript(segments, "en", duration, model="scripted")

    def cancel(self, job_id: str) -> None: ...

    def describe(self) -> dict[str, Any]:
        return {"workers": 1}

    def close(self) -> None: ...


@pytest.fixture
def media(tmp_path: Path) -> Callable[[int], Path]:
    """`media(8)`: a WAV of 8 s, which the scripted runner 'transcribes' as `LECTURE`."""

    def make(seconds: int) -> Path:
        return write_wav(tmp_path / f"clip{seconds}.wav", seconds=float(seconds))

    return make


@pytest.fixture
def make_service(tmp_path: Path, database_url: str | None) -> Iterator[Callable[..., TestClient]]:
    """`make_service(keywords=[...], api_keys=[...])`: a started app with the scripted runner,
    on SQLite and (with VT_TEST_POSTGRES_URL) on PostgreSQL."""
    clients: list[TestClient] = []

    def build(*, keywords: Sequence[str] = (), **service: Any) -> TestClient:
        settings = Settings(
            service=ServiceSettings(data_dir=tmp_path / "data", **service),
            keywords=list(keywords),
            database_url=database_url,
        )
        client = TestClient(create_app(settings, runner=ScriptedRunner()))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in reversed(clients):
        client.__exit__(None, None, None)


def run_job(
    client: TestClient,
    path: Path,
    *,
    name: str,
    options: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """Upload `path` as a job, wait for it to complete, return its id."""
    with path.open("rb") as file:
        response = client.post(
            "/api/jobs",
            files={"file": (path.name, file, "audio/wav")},
            data={"name": name, "options": json.dumps(options or {})},
            headers=headers,
        )
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    job = wait_for_status(client, job_id, {"completed", "failed"}, headers=headers)
    assert job["status"] == "completed", job
    return job_id
