"""End to end against a real `video-transcriber serve` in a subprocess, with the bundled model.

tus uploads interrupted and resumed with the real `tuspy` client, parallel parts joined by
concatenation, size caps before bytes land, unusable files refused while the server stays up,
a server killed with SIGKILL mid-job that resumes without redoing finished chunks, two jobs at
once, a live SSE stream, and API keys that keep jobs apart.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError
from tusclient.storage.filestorage import FileStorage

from testkit.evaluation.corpus import Clip
from testkit.evaluation.wer import word_error_rate, word_errors
from tests.api.conftest import LiveServer, wait_for_status
from tests.media_files import concat_speech, write_mp4

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"Authorization": "Bearer bob-key"}
CAP = 4 * 1024 * 1024
LECTURE_WER = 0.062
"""The nine-clip lecture through a server killed mid-job: measured 0.032 (7 wrong words of 216)
on 2026-12-02, margin 0.03."""
SPEECH_CLIPS = [
    "librispeech_1089-134686-0000.flac",
    "jfk_inaugural_excerpt.flac",
    "fleurs_en_000.ogg",
    "fleurs_en_002.ogg",
    "ljspeech_LJ001-0001.wav",
    "ljspeech_LJ001-0003.wav",
    "ljspeech_LJ001-0005.wav",
    "ljspeech_LJ001-0007.wav",
    "librivox_sense_and_sensibility_01_austen_64kb-0870.wav",
]


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the upload and multi-user tests: two API keys, a 4 MiB upload cap."""
    root = tmp_path_factory.mktemp("shared")
    server = LiveServer(
        root / "data",
        {
            "VT_SERVICE__API_KEYS": json.dumps(["alice-key", "bob-key"]),
            "VT_SERVICE__MAX_UPLOAD_BYTES": str(CAP),
            "VT_TUNING__CHUNK_SECONDS": "10",
        },
    )
    server.data_dir.mkdir(parents=True)
    server.start()
    yield server
    server.stop()
    server.kill()


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory, corpus: list[Clip]) -> tuple[Path, str]:
    """~95 s of real speech from nine clips, one second of silence between them."""
    by_name = {clip.name: clip for clip in corpus}
    clips = [by_name[name] for name in SPEECH_CLIPS]
    path = concat_speech([c.path for c in clips], tmp_path_factory.mktemp("m") / "lecture.wav")
    return path, " ".join(c.reference for c in clips)


def tus(server: LiveServer, headers: dict[str, str]) -> tus_client.TusClient:
    return tus_client.TusClient(f"{server.url}/files/", headers=headers)


def upload_id(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def interrupted_patch(server: LiveServer, url: str, offset: int, data: bytes) -> None:
    """Start a PATCH that promises `len(data)` bytes, send half, and drop the connection."""
    path = url.removeprefix(server.url)
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
        f"Authorization: {ALICE['Authorization']}\r\n"
        f"Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(head.encode() + data[: len(data) // 2])
        time.sleep(0.3)


def test_tus_upload_interrupted_and_resumed(
    shared_server: LiveServer, tmp_path: Path, jfk_clip: Clip
) -> None:
    storage = FileStorage(str(tmp_path / "tus-urls.json"))
    source = jfk_clip.path
    first = tus(shared_server, ALICE).uploader(
        str(source),
        chunk_size=256 * 1024,
        metadata={"filename": "jfk.flac"},
        store_url=True,
        url_storage=storage,
    )
    first.upload(stop_at=300_000)  # the client stops part-way ...
    assert first.url is not None
    offset = first.offset
    data = source.read_bytes()
    interrupted_patch(shared_server, first.url, offset, data[offset : offset + 200_000])
    with shared_server.client(headers=ALICE) as http:
        head = http.head(first.url, headers={"Tus-Resumable": "1.0.0"})
        landed = int(head.headers["upload-offset"])
    assert offset < landed < offset + 200_000  # ... and a dropped request kept what arrived

    resumed = tus(shared_server, ALICE).uploader(
        str(source), chunk_size=256 * 1024, store_url=True, url_storage=storage
    )
    assert resumed.url == first.url and resumed.offset == landed  # resumes, does not restart
    resumed.upload()
    with shared_server.client(headers=ALICE) as http:
        job = http.post("/api/jobs", json={"upload_id": upload_id(first.url)}).json()
        done = wait_for_status(http, job["id"], {"completed", "failed"}, timeout=300)
        assert done["status"] == "completed", done
        assert http.get(f"/api/jobs/{job['id']}/media").content == data
        text = http.get(f"/api/jobs/{job['id']}/transcript").text
    body = text.split("\n", 2)[-1]
    assert word_errors(jfk_clip.reference, body) <= 1, body  # measured 0 of 22 on 2026-12-02


def test_parallel_parts_joined_by_concatenation(
    shared_server: LiveServer, tmp_path: Path, jfk_clip: Clip
) -> None:
    data = jfk_clip.path.read_bytes()
    size = len(data) // 4 + 1
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    urls: list[str | None] = [None] * len(parts)

    def send(index: int) -> None:
        path = tmp_path / f"part{index}"
        path.write_bytes(parts[index])
        client = tus(shared_server, {**ALICE, "Upload-Concat": "partial"})
        uploader = client.uploader(str(path), chunk_size=64 * 1024)
        uploader.upload()
        urls[index] = uploader.url

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(parts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(urls)
    with shared_server.client(headers=ALICE) as http:
        final = http.post(
            "/files/",
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Concat": "final;" + " ".join(u for u in urls if u),
                "Upload-Metadata": "filename amZrLmZsYWM=",
            },
        )
        assert final.status_code == 201, final.text
        job = http.post(
            "/api/jobs", json={"upload_id": upload_id(final.headers["location"])}
        ).json()
        assert job["filename"] == "jfk.flac"
        done = wait_for_status(http, job["id"], {"completed", "failed"}, timeout=300)
        assert done["status"] == "completed", done
        assert http.get(f"/api/jobs/{job['id']}/media").content == data


def test_oversize_refused_before_bytes_land(shared_server: LiveServer, tmp_path: Path) -> None:
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * (CAP + 1))
    before = snapshot(shared_server.data_dir)
    with pytest.raises(TusCommunicationError) as refused:
        tus(shared_server, ALICE).uploader(str(big), chunk_size=1024 * 1024).upload()
    assert refused.value.status_code == 413
    with shared_server.client(headers=ALICE) as http:
        declared = http.post(
            "/files/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(2 * 1024**3)}
        )
        assert declared.status_code == 413
        response = http.post("/api/jobs", files={"file": ("big.wav", big.read_bytes())})
        assert response.status_code == 413 and "limit" in response.json()["detail"]
    assert snapshot(shared_server.data_dir) == before  # not one file, not one byte


def snapshot(data_dir: Path) -> dict[str, int]:
    return {
        str(p.relative_to(data_dir)): p.stat().st_size
        for p in data_dir.rglob("*")
        if p.is_file() and not p.name.startswith("jobs.sqlite3")
    }


@pytest.mark.parametrize("kind", ["text", "empty", "truncated", "no_audio"])
def test_unusable_files_refused_while_the_server_stays_up(
    shared_server: LiveServer, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "lecture.mp4"
    if kind == "text":
        path.write_text("Week 3 reading list\n" * 100)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        whole = write_mp4(tmp_path / "whole.mp4", seconds=3).read_bytes()
        path.write_bytes(whole[: len(whole) * 2 // 3])
    else:
        write_mp4(path, audio=False)
    with shared_server.client(headers=ALICE) as http:
        response = http.post("/api/jobs", files={"file": ("lecture.mp4", path.read_bytes())})
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert len(detail) > 40 and detail.endswith(".")  # a sentence that says what to do
        assert http.get("/healthz").status_code == 200


def read_sse(http: httpx.Client, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    kind = ""
    with http.stream("GET", f"/api/jobs/{job_id}/events", timeout=600) as response:
        for line in response.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((kind, json.loads(line.split(":", 1)[1])))
    return events


def test_two_jobs_at_once_with_live_events_and_separate_owners(
    shared_server: LiveServer, lecture: tuple[Path, str]
) -> None:
    media, _ = lecture
    with shared_server.client(headers=ALICE) as alice, shared_server.client(headers=BOB) as bob:
        first = alice.post("/api/jobs", files={"file": ("a.wav", media.read_bytes())}).json()
        second = bob.post("/api/jobs", files={"file": ("b.wav", media.read_bytes())}).json()
        events = read_sse(alice, first["id"])
        assert events[-1] == ("status", events[-1][1]) and events[-1][1]["status"] == "completed"
        percents = [data["percent"] for kind, data in events if kind == "progress"]
        transcribing = [p for p in percents if 0 < p < 100]
        assert transcribing and percents == sorted(percents) and percents[-1] == 100.0
        assert any(kind == "segments" for kind, _ in events)
        assert any(data.get("eta_seconds") for kind, data in events if kind == "progress")
        done = wait_for_status(bob, second["id"], {"completed", "failed"}, timeout=600)
        assert done["status"] == "completed"
        a, b = alice.get(f"/api/jobs/{first['id']}").json(), done
        assert a["started_at"] < b["finished_at"] and b["started_at"] < a["finished_at"]
        assert bob.get(f"/api/jobs/{first['id']}").status_code == 404
        assert alice.get(f"/api/jobs/{second['id']}/transcript").status_code == 404
        assert alice.get("/api/jobs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert [j["id"] for j in bob.get("/api/jobs").json()["items"]] == [second["id"]]


def test_kill_9_mid_job_resumes_without_redoing_chunks(
    live_server: Callable[..., LiveServer], lecture: tuple[Path, str]
) -> None:
    media, reference = lecture
    server = live_server(VT_TUNING__CHUNK_SECONDS="10")
    with server.client() as http:
        job_id = http.post("/api/jobs", files={"file": ("lecture.wav", media.read_bytes())}).json()[
            "id"
        ]
        deadline = time.monotonic() + 300
        while True:
            job = http.get(f"/api/jobs/{job_id}").json()
            if job["progress"]["chunks_done"] >= 1:
                break
            assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.05)
    server.kill()
    # Read after the kill, so nothing moves: the starts and results the dead server committed.
    killed_at = stored_chunks(server.data_dir, job_id)
    started_at_kill = started_chunks(server.data_dir, job_id)
    in_flight = started_at_kill - killed_at  # started, cut short by the kill
    total = job["progress"]["chunks_total"]
    assert 1 <= killed_at < total, "the job must be part-way when the server dies"
    assert in_flight >= 0

    server.start()
    with server.client() as http:
        done = wait_for_status(http, job_id, {"completed", "failed"}, timeout=600)
        assert done["status"] == "completed", done
        assert done["progress"]["chunks_total"] == total
        runs, workers = done["metrics"]["chunk_runs"], done["metrics"]["workers"]
        # The pool holds at most one chunk per worker, so at most `workers` were cut short.
        assert in_flight <= workers
        assert total <= runs <= total + workers
        # Every chunk not stored at the kill ran once more; no finished chunk was redone.
        assert runs == started_at_kill + (total - killed_at)
        assert stored_chunks(server.data_dir, job_id) == total
        text = http.get(f"/api/jobs/{job_id}/transcript?format=txt").text
    assert word_error_rate(reference, text.split("\n", 2)[-1]) < LECTURE_WER


def stored_chunks(data_dir: Path, job_id: str) -> int:
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        (count,) = db.execute(
            "SELECT count(*) FROM chunk_results WHERE job_id = ?", (job_id,)
        ).fetchone()
    return int(count)


def started_chunks(data_dir: Path, job_id: str) -> int:
    """The job's `chunk_runs` as committed (read directly: the server may be dead)."""
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        (count,) = db.execute("SELECT chunk_runs FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return int(count)


def test_server_memory_stays_flat_during_a_large_upload(
    live_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    """150 MB in 50 MB tus chunks: the server streams to disk, so its memory barely moves."""
    import psutil

    size = 150 * 1024 * 1024
    big = tmp_path / "big.bin"
    with big.open("wb") as out:
        out.truncate(size)  # sparse: no disk or memory needed to make it
    server = live_server(VT_SERVICE__MAX_UPLOAD_BYTES=str(size))
    assert server.process is not None
    process = psutil.Process(server.process.pid)
    baseline = process.memory_info().rss
    peak = baseline
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.05):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        uploader = tus(server, {}).uploader(str(big), chunk_size=50 * 1024 * 1024)
        uploader.upload()
    finally:
        stop.set()
        sampler.join()
    stored = server.data_dir / "uploads" / upload_id(uploader.url or "")
    assert stored.stat().st_size == size
    assert peak - baseline < 40 * 1024 * 1024, f"server grew by {(peak - baseline) >> 20} MiB"
    with server.client() as http:
        assert (
            http.delete(uploader.url or "", headers={"Tus-Resumable": "1.0.0"}).status_code == 204
        )
    assert not stored.exists()
