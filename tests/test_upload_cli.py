"""`video-transcriber upload` against a real server: end to end on real speech, an interrupted
upload resumed by a rerun (each byte sent once), and the errors people meet."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from testkit.evaluation.corpus import Clip
from testkit.evaluation.wer import normalize
from testkit.service_processes import cli_path, free_port
from tests.api.conftest import REPO, LiveServer, tus_bytes_received
from video_transcriber.client import ServiceClient, UploadState, upload_file

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

CHUNK = 64 * 1024
PHRASE = "ask not what your country can do for you"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """`live_server(**env)`: `video-transcriber serve` in a subprocess (see tests/api/conftest)."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(tmp_path / f"data{len(servers)}", env)
        server.data_dir.mkdir(parents=True)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cli_path()), "upload", *map(str, args)],
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_upload_transcribes_and_downloads(
    live_server: Callable[..., LiveServer], jfk_clip: Clip, tmp_path: Path
) -> None:
    server = live_server(VT_SERVICE__TUS_CHUNK_BYTES=str(CHUNK))
    out = tmp_path / "out"
    state = tmp_path / "state.json"
    done = run_cli(
        jfk_clip.path, "--server", server.url, "-o", out, "-f", "txt,srt,json", "--state", state
    )
    assert done.returncode == 0, done.stderr
    stem = jfk_clip.path.stem
    assert PHRASE in normalize((out / f"{stem}.txt").read_text())
    assert " --> " in (out / f"{stem}.srt").read_text()
    assert json.loads((out / f"{stem}.json").read_text())["segments"]
    assert json.loads(state.read_text()) == {}  # nothing left to resume
    assert tus_bytes_received(server) == jfk_clip.path.stat().st_size
    jobs = httpx.get(f"{server.url}/api/jobs").json()
    assert jobs["items"][0]["name"] == stem


def test_interrupted_upload_resumes_where_it_stopped(
    live_server: Callable[..., LiveServer], jfk_clip: Clip, tmp_path: Path
) -> None:
    server = live_server(VT_SERVICE__TUS_CHUNK_BYTES=str(CHUNK))
    state_file = tmp_path / "state.json"
    size = jfk_clip.path.stat().st_size

    def stop_after_first_chunk(offset: int, total: int) -> None:
        if offset > 0:
            raise KeyboardInterrupt  # what Ctrl-C does mid-upload

    service = ServiceClient(server.url, None)
    with pytest.raises(KeyboardInterrupt):
        upload_file(
            jfk_clip.path,
            service,
            UploadState(state_file, service.server),
            chunk_size=CHUNK,
            on_progress=stop_after_first_chunk,
        )
    service.close()
    [upload_url] = json.loads(state_file.read_text()).values()
    head = httpx.head(upload_url, headers={"Tus-Resumable": "1.0.0"})
    assert int(head.headers["Upload-Offset"]) == CHUNK

    out = tmp_path / "out"
    done = run_cli(
        jfk_clip.path, "--server", server.url, "-o", out, "-f", "txt", "--state", state_file
    )
    assert done.returncode == 0, done.stderr
    assert f"Resumed {jfk_clip.path.name} at byte {CHUNK:,} of {size:,}" in done.stderr
    assert PHRASE in normalize((out / f"{jfk_clip.path.stem}.txt").read_text())
    assert tus_bytes_received(server) == size  # every byte went up exactly once
    assert json.loads(state_file.read_text()) == {}


def test_errors_are_clear_and_exit_1(
    live_server: Callable[..., LiveServer], jfk_clip: Clip, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    down = run_cli(jfk_clip.path, "--server", f"http://127.0.0.1:{free_port()}", "--state", state)
    assert down.returncode == 1
    assert "Cannot reach the server" in down.stderr

    server = live_server(
        VT_SERVICE__API_KEYS='["right-key"]', VT_SERVICE__MAX_UPLOAD_BYTES="500000"
    )
    common = ("--server", server.url, "--state", state, "-o", tmp_path / "out")
    wrong = run_cli(jfk_clip.path, *common, "--api-key", "wrong-key")
    assert wrong.returncode == 1
    assert "refused the API key" in wrong.stderr

    too_big = run_cli(jfk_clip.path, *common, "--api-key", "right-key")
    assert too_big.returncode == 1
    assert "too large" in too_big.stderr

    notes = tmp_path / "lecture.mp4"
    notes.write_text("not a video, just notes\n" * 100)
    not_media = run_cli(notes, *common, "--api-key", "right-key")
    assert not_media.returncode == 1
    assert "cannot use this file" in not_media.stderr
    assert not (tmp_path / "out" / "lecture.txt").exists()


def test_parallel_upload_joins_parts_into_the_job(
    live_server: Callable[..., LiveServer], jfk_clip: Clip, tmp_path: Path
) -> None:
    server = live_server(VT_SERVICE__TUS_CHUNK_BYTES=str(CHUNK))
    out = tmp_path / "out"
    state = tmp_path / "state.json"
    done = run_cli(
        jfk_clip.path, "--server", server.url, "-o", out, "-f", "txt", "--state", state,
        "--parallel", "3",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert PHRASE in normalize((out / f"{jfk_clip.path.stem}.txt").read_text())
    assert json.loads(state.read_text()) == {}  # no part left to resume
    assert tus_bytes_received(server) == jfk_clip.path.stat().st_size
    [job] = httpx.get(f"{server.url}/api/jobs").json()["items"]
    assert job["name"] == jfk_clip.path.stem
    media = httpx.get(f"{server.url}/api/jobs/{job['id']}/media")
    assert media.content == jfk_clip.path.read_bytes()
