"""The jobs API in-process (fake runner): create, read, list, cancel, retry, delete, downloads,
and refusing files that are not usable media with a message that says what to do."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_for_status
from tests.fakes import FakeRunner
from tests.media_files import write_mp4
from tests.model_cache import cache_model


def upload(client: TestClient, path: Path, filename: str | None = None, **fields: str) -> dict:
    response = client.post(
        "/api/jobs",
        files={"file": (filename or path.name, path.read_bytes(), "application/octet-stream")},
        data=fields,
    )
    assert response.status_code == 201, response.text
    return response.json()


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.name.startswith("jobs.sqlite3")]


def test_multipart_job_completes_with_progress_and_metrics(client: TestClient, wav: Path) -> None:
    job = upload(client, wav, name="Week 1", options='{"language": "en", "beam_size": 2}')
    assert uuid.UUID(job["id"]) and job["status"] == "queued"
    assert job["name"] == "Week 1" and job["options"]["language"] == "en"
    done = wait_for_status(client, job["id"], {"completed"})
    assert done["progress"] == {
        "stage": "done",
        "percent": 100.0,
        "chunks_done": 3,
        "chunks_total": 3,
        "eta_seconds": 0.0,
    }
    metrics = done["metrics"]
    assert metrics["chunk_runs"] == 3 and metrics["workers"] == 2
    assert metrics["chunk_seconds"] == 1.0 and metrics["peak_rss_bytes"] > 0
    assert metrics["rtf"] is not None and metrics["wall_seconds"] is not None
    assert done["error"] is None and done["duration"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("fmt", "content_type", "needle"),
    [
        ("txt", "text/plain; charset=utf-8", "chunk 0"),
        ("srt", "application/x-subrip; charset=utf-8", "00:00:01,000 --> 00:00:02,000"),
        ("vtt", "text/vtt; charset=utf-8", "WEBVTT"),
        ("json", "application/json", '"segments"'),
        ("tsv", "text/tab-separated-values; charset=utf-8", "chunk 2"),
    ],
)
def test_transcript_formats(
    client: TestClient, wav: Path, fmt: str, content_type: str, needle: str
) -> None:
    job = upload(client, wav, name='Ü "Lecture" ../../etc')
    wait_for_status(client, job["id"], {"completed"})
    response = client.get(f"/api/jobs/{job['id']}/transcript", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert needle in response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    ascii_name = disposition.split('filename="')[1].split('"')[0]
    assert "/" not in ascii_name and ".." not in ascii_name and ascii_name.endswith(f".{fmt}")
    assert "filename*=UTF-8''" in disposition
    if fmt == "json":
        json.loads(response.text)


def test_transcript_not_ready_is_409(make_client: Callable[..., TestClient], wav: Path) -> None:
    gate = threading.Event()
    client = make_client(FakeRunner(gate=gate))
    job = upload(client, wav)
    response = client.get(f"/api/jobs/{job['id']}/transcript")
    assert response.status_code == 409 and "Wait until" in response.json()["detail"]
    gate.set()


def test_unknown_format_is_422(client: TestClient, wav: Path) -> None:
    job = upload(client, wav)
    assert client.get(f"/api/jobs/{job['id']}/transcript?format=exe").status_code == 422


def test_media_supports_range_requests(client: TestClient, wav: Path) -> None:
    job = upload(client, wav)
    response = client.get(f"/api/jobs/{job['id']}/media", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.content == wav.read_bytes()[10:20]
    assert response.headers["content-range"] == f"bytes 10-19/{wav.stat().st_size}"
    assert response.headers["content-type"].startswith("audio/")
    whole = client.get(f"/api/jobs/{job['id']}/media")
    assert whole.status_code == 200 and whole.content == wav.read_bytes()


def test_hostile_filename_is_only_metadata(client: TestClient, wav: Path, data_dir: Path) -> None:
    job = upload(client, wav, filename="../../etc/passwd.wav")
    assert job["filename"] == "passwd.wav" and job["name"] == "passwd"
    stored = files_under(data_dir / "media")
    assert [p.name for p in stored] == [f"{job['id']}.wav"]
    assert not (data_dir.parent / "etc").exists()


def test_list_pages_filters_and_searches(client: TestClient, wav: Path) -> None:
    ids = [upload(client, wav, name=f"Algebra {i}")["id"] for i in range(3)]
    upload(client, wav, name="History")
    for job_id in ids:
        wait_for_status(client, job_id, {"completed"})
    page = client.get("/api/jobs", params={"limit": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["items"][0]["name"] == "History"
    assert client.get("/api/jobs", params={"q": "algebra"}).json()["total"] == 3
    assert client.get("/api/jobs", params={"q": "tone"}).json()["total"] == 4  # file name
    assert client.get("/api/jobs", params={"status": "failed"}).json()["total"] == 0
    assert client.get("/api/jobs", params={"status": "nonsense"}).status_code == 422
    assert client.get("/api/jobs", params={"limit": 0}).status_code == 422


def test_cancel_retry_and_delete(
    make_client: Callable[..., TestClient], wav: Path, data_dir: Path
) -> None:
    gate = threading.Event()
    client = make_client(FakeRunner(gate=gate))
    job = upload(client, wav)
    wait_for_status(client, job["id"], {"running"})
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/jobs/{job['id']}/cancel")
    assert again.status_code == 409 and "cannot be cancelled" in again.json()["detail"]
    gate.set()
    retried = wait_for_status(client, job["id"], {"cancelled"})
    assert retried["status"] == "cancelled"
    deadline = time.monotonic() + 10  # 409 "still stopping" until the job's thread has let go
    while (response := client.post(f"/api/jobs/{job['id']}/retry")).status_code != 200:
        assert response.status_code == 409 and time.monotonic() < deadline, response.text
        time.sleep(0.02)
    wait_for_status(client, job["id"], {"completed"})
    assert client.post(f"/api/jobs/{job['id']}/retry").status_code == 409
    assert client.delete(f"/api/jobs/{job['id']}").status_code == 204
    assert client.get(f"/api/jobs/{job['id']}").status_code == 404
    assert files_under(data_dir / "media") == [] and files_under(data_dir / "work") == []


def test_ids_are_validated(client: TestClient) -> None:
    assert client.get("/api/jobs/not-a-uuid").status_code == 422
    assert client.get("/api/jobs/..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)
    assert client.get(f"/api/jobs/{uuid.uuid4()}").status_code == 404


def test_json_create_needs_a_real_upload(client: TestClient) -> None:
    response = client.post("/api/jobs", json={"upload_id": "0" * 32})
    assert response.status_code == 404 and "upload" in response.json()["detail"]
    assert client.post("/api/jobs", json={"upload_id": "../x"}).status_code == 422
    assert (
        client.post("/api/jobs", content=b"x", headers={"content-type": "text/plain"}).status_code
        == 415
    )


def test_unknown_model_and_bad_options_are_refused(client: TestClient, wav: Path) -> None:
    for options in ('{"model": "/etc"}', '{"beam_size": 99}', '{"colour": 1}', "[1]"):
        response = client.post(
            "/api/jobs",
            files={"file": ("a.wav", wav.read_bytes())},
            data={"options": options},
        )
        assert response.status_code == 422, options


def test_only_models_this_offline_server_holds_are_offered(
    make_client: Callable[..., TestClient],
    wav: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VT_MODEL__DOWNLOAD_ROOT", str(tmp_path / "hf"))  # not the user's cache
    cache_model(tmp_path / "hf", "small.en")
    client = make_client()
    listed = client.get("/api/config").json()["models"]
    assert listed == ["base", "small.en", "tiny.en"]
    refused = client.post(
        "/api/jobs", files={"file": ("a.wav", wav.read_bytes())}, data={"model": "medium.en"}
    )
    assert refused.status_code == 422
    assert "not on this server" in refused.json()["detail"]
    assert client.get("/api/jobs").json()["total"] == 0
    accepted = upload(client, wav, model="small.en")
    assert accepted["options"]["model"] == "small.en"
    enum = client.get("/openapi.json").json()["components"]["schemas"]["JobOptions"]
    assert "small.en" in json.dumps(enum["properties"]["model"])


def test_multipart_fields_as_options(client: TestClient, wav: Path) -> None:
    job = upload(client, wav, model="tiny.en", beam_size="3", word_timestamps="true")
    expected = {"model": "tiny.en", "language": None, "beam_size": 3, "word_timestamps": True}
    assert {key: job["options"][key] for key in expected} == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"beam_size": "yes"},
        {"beam_size": "null"},
        {"word_timestamps": "1"},
        {"word_timestamps": "yes"},
        {"model": " tiny.en"},
        {"language": ""},
    ],
)
def test_multipart_fields_are_read_as_sent_and_as_strictly_as_json(
    client: TestClient, wav: Path, fields: dict[str, str]
) -> None:
    response = client.post("/api/jobs", files={"file": ("a.wav", wav.read_bytes())}, data=fields)
    assert response.status_code == 422, response.text
    assert response.json()["errors"], response.text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("text", "not an audio or video file"),
        ("empty", "empty"),
        ("truncated", "cut off"),
        ("no_audio", "without a sound track"),
    ],
)
def test_unusable_files_are_refused_with_advice(
    client: TestClient, tmp_path: Path, data_dir: Path, kind: str, expected: str
) -> None:
    path = tmp_path / "lecture.mp4"
    if kind == "text":
        path.write_text("These are my lecture notes, not a video.\n" * 50)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        whole = write_mp4(tmp_path / "whole.mp4").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    else:
        write_mp4(path, audio=False)
    response = client.post("/api/jobs", files={"file": ("lecture.mp4", path.read_bytes())})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert (expected in detail and "lecture.mp4" in detail) or kind == "empty"
    assert client.get("/api/jobs").json()["total"] == 0
    assert files_under(data_dir / "media") == [] and files_under(data_dir / "incoming") == []
    assert client.get("/healthz").status_code == 200


def test_multipart_over_the_cap_is_413_and_leaves_nothing(
    make_client: Callable[..., TestClient], tmp_path: Path, data_dir: Path
) -> None:
    client = make_client(max_upload_bytes=10_000)
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * 200_000)
    response = client.post("/api/jobs", files={"file": ("big.wav", big.read_bytes())})
    assert response.status_code == 413 and "limit" in response.json()["detail"]

    def chunked() -> Iterator[bytes]:  # no Content-Length: the cap is enforced while streaming
        boundary = "b0undary"
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
        ).encode()
        for _ in range(50):
            yield b"\0" * 4096
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        "/api/jobs",
        content=chunked(),
        headers={"content-type": "multipart/form-data; boundary=b0undary"},
    )
    assert response.status_code == 413
    assert files_under(data_dir) == []


def test_malformed_multipart_is_400(client: TestClient) -> None:
    response = client.post(
        "/api/jobs",
        content=b"--x\r\ngarbage",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code in (400, 422)


def test_job_options_carry_the_jobs_own_keywords(
    make_client: Callable[..., TestClient], wav: Path
) -> None:
    gate = threading.Event()
    client = make_client(FakeRunner(gate=gate))  # both jobs hold at their first chunk
    with_keywords = upload(client, wav, options='{"keywords": ["Entropy", "exam", "entropy"]}')
    assert with_keywords["options"]["keywords"] == ["Entropy", "exam"]  # as stored: deduplicated
    plain = upload(client, wav)
    assert plain["options"]["keywords"] is None
    job_id = with_keywords["id"]
    assert client.get(f"/api/jobs/{job_id}").json()["options"]["keywords"] == ["Entropy", "exam"]
    listed = {
        item["id"]: item["options"]["keywords"] for item in client.get("/api/jobs").json()["items"]
    }
    assert listed == {job_id: ["Entropy", "exam"], plain["id"]: None}
    client.put(f"/api/jobs/{job_id}/keywords", json={"keywords": ["thermodynamics"]})
    assert client.get(f"/api/jobs/{job_id}").json()["options"]["keywords"] == ["thermodynamics"]
    cancelled = client.post(f"/api/jobs/{plain['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["options"]["keywords"] is None
    gate.set()
    done = wait_for_status(client, job_id, {"completed"})
    assert done["options"]["keywords"] == ["thermodynamics"]


def test_task_and_language_options(client: TestClient, wav: Path) -> None:
    job = upload(client, wav, model="base", task="translate", language="auto")
    assert job["options"]["task"] == "translate" and job["options"]["language"] == "auto"
    assert job["language_probability"] is None


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"model": "tiny.en", "task": "translate"}, "cannot translate"),
        ({"model": "tiny.en", "language": "de"}, "only transcribes English"),
        ({"model": "base", "language": "xx"}, "Unknown language"),
        ({"task": "summarize"}, "task"),
    ],
)
def test_language_options_a_model_cannot_serve_are_422(
    client: TestClient, wav: Path, fields: dict[str, str], says: str
) -> None:
    response = client.post("/api/jobs", files={"file": ("a.wav", wav.read_bytes())}, data=fields)
    assert response.status_code == 422, response.text
    assert says in response.text
