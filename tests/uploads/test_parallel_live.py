"""Parallel partial uploads with the real tuspy client against a real `video-transcriber serve`:
the concatenated file on the server's disk is byte-identical to the source, the parts are gone
once used, an interrupted parallel upload resumes with every byte sent once (also across a
server killed with SIGKILL), and plain tus partial uploads (no layout) still concatenate."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tusclient.client import TusClient

from tests.api.conftest import LiveServer, tus_bytes_received
from video_transcriber.client import ServiceClient, UploadState, upload_parallel
from video_transcriber.client.parallel import concatenate, send_parts

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 128 * 1024
SIZE = 3 * 1024 * 1024 + 12_345


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("parallel") / "data").start()
    yield live
    live.stop()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "lecture.bin"
    path.write_bytes(os.urandom(SIZE))
    return path


@pytest.fixture
def service(server: LiveServer) -> Iterator[ServiceClient]:
    client = ServiceClient(server.url, None)
    yield client
    client.close()


def stored(server: LiveServer, url: str) -> bytes:
    return (server.data_dir / "uploads" / url.rstrip("/").rsplit("/", 1)[-1]).read_bytes()


def test_parallel_parts_become_one_identical_file(
    server: LiveServer, service: ServiceClient, source: Path, tmp_path: Path
) -> None:
    state = UploadState(tmp_path / "state.json", service.server)
    sent = send_parts(source, service, state, parallel=4, chunk_size=CHUNK)
    assert len(sent.urls) == 4
    for url in sent.urls:
        head = httpx.head(url, headers=TUS)
        assert head.headers["upload-concat"] == "partial"
        assert head.headers["upload-offset"] == head.headers["upload-length"]
    final = concatenate(service, sent.urls, source.name)
    head = httpx.head(final, headers=TUS)
    assert head.headers["upload-offset"] == head.headers["upload-length"] == str(SIZE)
    assert head.headers["upload-concat"] == "final;" + " ".join(sent.urls)
    assert stored(server, final) == source.read_bytes()
    assert all(httpx.head(url, headers=TUS).status_code == 404 for url in sent.urls)
    octet = {**TUS, "Upload-Offset": str(SIZE), "Content-Type": "application/offset+octet-stream"}
    assert httpx.patch(final, content=b"x", headers=octet).status_code == 403


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own, which it may kill and start again."""
    live = LiveServer(tmp_path / "own-data")
    yield live
    live.stop()


def test_interrupted_parallel_upload_resumes_each_part(
    own_server: LiveServer, source: Path, tmp_path: Path
) -> None:
    server = own_server.start()
    state_file = tmp_path / "state.json"

    def stop_after_a_third(done: int, total: int) -> None:
        if done > total // 3:
            raise KeyboardInterrupt  # what Ctrl-C does mid-upload

    service = ServiceClient(server.url, None)
    with pytest.raises(KeyboardInterrupt):
        upload_parallel(
            source,
            service,
            UploadState(state_file, service.server),
            parallel=3,
            chunk_size=CHUNK,
            on_progress=stop_after_a_third,
        )
    server.kill()  # and the server dies too: what it acknowledged must survive
    server.start()
    result = upload_parallel(
        source, service, UploadState(state_file, service.server), parallel=3, chunk_size=CHUNK
    )
    service.close()
    assert SIZE // 3 < result.resumed_from < SIZE
    assert stored(server, result.upload_url) == source.read_bytes()
    assert tus_bytes_received(server) == SIZE - result.resumed_from  # the rest, each byte once


def test_plain_partial_uploads_still_concatenate(
    server: LiveServer, service: ServiceClient, source: Path, tmp_path: Path
) -> None:
    data = source.read_bytes()
    urls = []
    for index, piece in enumerate([data[:1_000_000], data[1_000_000:]]):
        path = tmp_path / f"piece{index}"
        path.write_bytes(piece)
        client = TusClient(f"{server.url}/files/", headers={"Upload-Concat": "partial"})
        uploader = client.uploader(file_path=str(path), chunk_size=CHUNK)
        uploader.upload()
        urls.append(str(uploader.url))
    final = concatenate(service, urls, "joined.bin")
    assert stored(server, final) == data
