"""The tus 1.0 endpoint in-process, checked against the protocol: core, creation (with upload,
deferred length), termination, concatenation, expiration, and the size cap before bytes land."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import os
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import wait_for_status
from tests.fakes import FakeClock

TUS = {"Tus-Resumable": "1.0.0"}
OCTET = {**TUS, "Content-Type": "application/offset+octet-stream"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def create(client: TestClient, length: int | None, **headers: str) -> str:
    extra = {"Upload-Length": str(length)} if length is not None else {}
    response = client.post("/files/", headers={**TUS, **extra, **headers})
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    assert location.startswith("http://testserver/files/")
    return location.removeprefix("http://testserver")


def patch(client: TestClient, url: str, offset: int, data: bytes) -> Any:  # httpx's or httpx2's
    return client.patch(url, content=data, headers={**OCTET, "Upload-Offset": str(offset)})


def uploaded_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "uploads").iterdir() if not p.name.endswith(".json")]


def test_options_announces_version_extensions_and_max_size(client: TestClient) -> None:
    response = client.options("/files/")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    extensions = set(response.headers["tus-extension"].split(","))
    assert {"creation", "termination", "concatenation", "expiration"} <= extensions
    assert response.headers["tus-max-size"] == str(1024**3)
    no_slash = client.post("/files", headers={**TUS, "Upload-Length": "1"})
    assert no_slash.status_code == 201


def test_upload_in_pieces_and_resume_from_head(client: TestClient, wav: Path) -> None:
    data = wav.read_bytes()
    url = create(client, len(data), **{"Upload-Metadata": f"filename {b64('tone.wav')}"})
    head = client.head(url, headers=TUS)
    assert head.headers["upload-offset"] == "0" and head.headers["cache-control"] == "no-store"
    assert head.headers["upload-length"] == str(len(data))
    assert head.headers["tus-resumable"] == "1.0.0" and "upload-expires" in head.headers
    first = patch(client, url, 0, data[:1000])
    assert first.status_code == 204 and first.headers["upload-offset"] == "1000"
    stale = patch(client, url, 0, data[:10])
    assert stale.status_code == 409 and "HEAD" in stale.json()["detail"]
    offset = int(client.head(url, headers=TUS).headers["upload-offset"])
    assert patch(client, url, offset, data[offset:]).headers["upload-offset"] == str(len(data))
    upload_id = url.rsplit("/", 1)[-1]
    job = client.post("/api/jobs", json={"upload_id": upload_id}).json()
    assert job["filename"] == "tone.wav"
    wait_for_status(client, job["id"], {"completed"})
    assert client.head(url, headers=TUS).status_code == 404  # consumed by the job


def test_protocol_errors(client: TestClient) -> None:
    assert client.post("/files/", headers={"Upload-Length": "5"}).status_code == 412
    url = create(client, 5)
    wrong_type = client.patch(url, content=b"abc", headers={**TUS, "Upload-Offset": "0"})
    assert wrong_type.status_code == 415
    missing = client.patch(url, content=b"abc", headers=OCTET)
    assert missing.status_code == 400
    too_many = patch(client, url, 0, b"abcdefgh")
    assert too_many.status_code == 400
    assert client.head(url, headers=TUS).headers["upload-offset"] == "0"
    assert client.post("/files/", headers=TUS).status_code == 400  # no length at all
    assert client.post("/files/", headers={**TUS, "Upload-Length": "-3"}).status_code == 400
    assert client.head("/files/..%2F..%2Fetc%2Fpasswd", headers=TUS).status_code == 404
    assert client.head("/files/" + "a" * 32, headers=TUS).status_code == 404


def send_raw(
    client: TestClient, method: str, url: str, headers: dict[str, str], content: bytes = b""
) -> httpx.Response:
    """One request straight to the app with each header value's latin-1 bytes as they are
    (TestClient would send them UTF-8 encoded) and a 500 answered, not raised."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            raw = {name.encode(): value.encode("latin-1") for name, value in headers.items()}
            return await http.request(method, url, headers=raw, content=content)

    return asyncio.run(send())


def test_non_ascii_digits_are_refused_like_other_non_numbers(client: TestClient) -> None:
    superscript_two = "\xb2"  # latin-1 '²': `str.isdigit` takes it, `int` does not
    url = create(client, 5)
    bad_offset = send_raw(
        client, "PATCH", url, {**OCTET, "Upload-Offset": superscript_two}, content=b"abc"
    )
    assert bad_offset.status_code == 400 and "Upload-Offset" in bad_offset.json()["detail"]
    assert client.head(url, headers=TUS).headers["upload-offset"] == "0"
    bad_length = send_raw(client, "POST", "/files/", {**TUS, "Upload-Length": superscript_two})
    assert bad_length.status_code == 400 and "Upload-Length" in bad_length.json()["detail"]


def test_oversize_is_refused_before_any_byte_lands(
    make_client: Callable[..., TestClient], data_dir: Path
) -> None:
    client = make_client(max_upload_bytes=1000)
    response = client.post("/files/", headers={**TUS, "Upload-Length": "1001"})
    assert response.status_code == 413 and "limit" in response.json()["detail"]
    assert uploaded_files(data_dir) == []
    deferred = create(client, None, **{"Upload-Defer-Length": "1"})
    big = client.patch(deferred, content=b"x" * 2000, headers={**OCTET, "Upload-Offset": "0"})
    assert big.status_code == 413
    assert client.head(deferred, headers=TUS).headers["upload-offset"] == "0"


def test_deferred_length_and_creation_with_upload(client: TestClient) -> None:
    url = create(client, None, **{"Upload-Defer-Length": "1"})
    assert client.head(url, headers=TUS).headers["upload-defer-length"] == "1"
    response = client.patch(
        url, content=b"abc", headers={**OCTET, "Upload-Offset": "0", "Upload-Length": "6"}
    )
    assert response.status_code == 204
    assert client.head(url, headers=TUS).headers["upload-length"] == "6"
    response = client.post(
        "/files/",
        content=b"hello",
        headers={**OCTET, "Upload-Length": "10"},
    )
    assert response.status_code == 201 and response.headers["upload-offset"] == "5"


def test_termination(client: TestClient, data_dir: Path) -> None:
    url = create(client, 10)
    patch(client, url, 0, b"12345")
    assert client.delete(url, headers=TUS).status_code == 204
    assert client.head(url, headers=TUS).status_code == 404
    assert uploaded_files(data_dir) == []


def test_parallel_parts_concatenate_into_a_job(client: TestClient, wav: Path) -> None:
    data = wav.read_bytes()
    pieces = [data[i : i + 30_000] for i in range(0, len(data), 30_000)]
    urls: list[str] = []
    for piece in reversed(pieces):  # upload order does not matter, the final list does
        url = create(client, len(piece), **{"Upload-Concat": "partial"})
        assert client.head(url, headers=TUS).headers["upload-concat"] == "partial"
        assert patch(client, url, 0, piece).status_code == 204
        urls.insert(0, url)
    final = client.post(
        "/files/",
        headers={
            **TUS,
            "Upload-Concat": "final;" + " ".join(f"http://testserver{u}" for u in urls),
            "Upload-Metadata": f"filename {b64('joined.wav')}",
        },
    )
    assert final.status_code == 201
    final_url = final.headers["location"].removeprefix("http://testserver")
    head = client.head(final_url, headers=TUS)
    assert head.headers["upload-offset"] == head.headers["upload-length"] == str(len(data))
    assert head.headers["upload-concat"].startswith("final;")
    assert patch(client, final_url, len(data), b"x").status_code == 403  # tus: final is immutable
    job = client.post("/api/jobs", json={"upload_id": final_url.rsplit("/", 1)[-1]}).json()
    done = wait_for_status(client, job["id"], {"completed"})
    assert done["size_bytes"] == len(data)
    media = client.get(f"/api/jobs/{job['id']}/media")
    assert media.content == data


def test_unfinished_or_partial_uploads_cannot_become_jobs(client: TestClient) -> None:
    url = create(client, 10)
    patch(client, url, 0, b"12345")
    response = client.post("/api/jobs", json={"upload_id": url.rsplit("/", 1)[-1]})
    assert response.status_code == 400 and "unfinished" in response.json()["detail"]
    part = create(client, 3, **{"Upload-Concat": "partial"})
    patch(client, part, 0, b"abc")
    response = client.post("/api/jobs", json={"upload_id": part.rsplit("/", 1)[-1]})
    assert response.status_code == 400 and "partial" in response.json()["detail"]


def test_non_media_upload_is_refused_and_deleted(client: TestClient, data_dir: Path) -> None:
    data = b"%PDF-1.4 definitely not a lecture video" * 20
    url = create(client, len(data), **{"Upload-Metadata": f"filename {b64('notes.mp4')}"})
    patch(client, url, 0, data)
    response = client.post("/api/jobs", json={"upload_id": url.rsplit("/", 1)[-1]})
    assert response.status_code == 422
    assert "notes.mp4" in response.json()["detail"]
    assert list((data_dir / "media").iterdir()) == []


def test_expired_uploads_answer_410(
    make_client: Callable[..., TestClient], upload_clock: FakeClock
) -> None:
    client = make_client(upload_expiry_hours=1.0)
    url = create(client, 10)
    expires = client.head(url, headers=TUS).headers["upload-expires"]
    assert parsedate_to_datetime(expires).timestamp() == int(upload_clock.now + 3600)
    assert expires.endswith("GMT")
    upload_clock.advance(3599.0)
    assert client.head(url, headers=TUS).status_code == 200
    upload_clock.advance(2.0)
    assert client.head(url, headers=TUS).status_code == 410
    assert client.head(url, headers=TUS).status_code == 404


def test_method_override(client: TestClient) -> None:
    url = create(client, 3)
    response = client.post(
        url,
        content=b"abc",
        headers={**OCTET, "Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"},
    )
    assert response.status_code == 204 and response.headers["upload-offset"] == "3"


@pytest.mark.parametrize("path", ["/files/", "/files/" + "0" * 32])
def test_errors_carry_tus_resumable(client: TestClient, path: str) -> None:
    response = client.head(path, headers=TUS) if path != "/files/" else client.post(path)
    assert response.headers.get("tus-resumable") == "1.0.0"


def sha1_header(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


def test_checksums_keep_only_matching_bytes(client: TestClient) -> None:
    options = client.options("/files/")
    assert "checksum" in options.headers["tus-extension"].split(",")
    assert "sha1" in options.headers["tus-checksum-algorithm"].split(",")
    url = create(client, 6)
    headers = {**OCTET, "Upload-Offset": "0"}
    wrong = client.patch(
        url, content=b"abc", headers={**headers, "Upload-Checksum": sha1_header(b"abd")}
    )
    assert wrong.status_code == 460 and "checksum" in wrong.json()["detail"].lower()
    assert client.head(url, headers=TUS).headers["upload-offset"] == "0"
    unknown = client.patch(
        url, content=b"abc", headers={**headers, "Upload-Checksum": "crc99 AA=="}
    )
    assert unknown.status_code == 400 and "sha1" in unknown.json()["detail"]
    right = client.patch(
        url, content=b"abc", headers={**headers, "Upload-Checksum": sha1_header(b"abc")}
    )
    assert right.status_code == 204 and right.headers["upload-offset"] == "3"


def test_laid_out_parts_make_the_final_upload(client: TestClient, data_dir: Path) -> None:
    data = os.urandom(30_000)
    cuts = [0, 10_000, 20_000, 30_000]
    urls = []
    for start, end in itertools.pairwise(cuts):
        url = create(
            client,
            end - start,
            **{"Upload-Concat": "partial", "Upload-Concat-Layout": f"layout-token-1 {start} 30000"},
        )
        assert patch(client, url, 0, data[start:end]).status_code == 204
        urls.append(url)
    concat = "final;" + " ".join(urls)
    final = client.post("/files/", headers={**TUS, "Upload-Concat": concat})
    assert final.status_code == 201
    final_url = final.headers["location"].removeprefix("http://testserver")
    head = client.head(final_url, headers=TUS)
    assert head.headers["upload-concat"] == concat  # as the client sent it
    assert head.headers["upload-offset"] == head.headers["upload-length"] == "30000"
    assert (data_dir / "uploads" / final_url.rsplit("/", 1)[-1]).read_bytes() == data
    assert patch(client, final_url, 30_000, b"x").status_code == 403
    assert all(client.head(url, headers=TUS).status_code == 404 for url in urls)


def test_bad_finals_and_layouts_get_clear_errors(client: TestClient) -> None:
    bad_layout = client.post(
        "/files/",
        headers={
            **TUS,
            "Upload-Length": "5",
            "Upload-Concat": "partial",
            "Upload-Concat-Layout": "x",
        },
    )
    assert (
        bad_layout.status_code == 400 and "<token> <start> <total>" in bad_layout.json()["detail"]
    )
    part = create(client, 5, **{"Upload-Concat": "partial"})
    patch(client, part, 0, b"abc")
    unfinished = client.post("/files/", headers={**TUS, "Upload-Concat": f"final;{part}"})
    assert unfinished.status_code == 400 and "not a finished partial" in unfinished.json()["detail"]
    patch(client, part, 3, b"de")
    missing = "/files/" + "0" * 32
    gone = client.post("/files/", headers={**TUS, "Upload-Concat": f"final;{part} {missing}"})
    assert gone.status_code == 404 and missing in gone.json()["detail"]
    foreign = client.post("/files/", headers={**TUS, "Upload-Concat": "final;/etc/passwd"})
    assert foreign.status_code == 400 and "/files/<id>" in foreign.json()["detail"]
    twice = client.post("/files/", headers={**TUS, "Upload-Concat": f"final;{part} {part}"})
    assert twice.status_code == 400
    with_length = client.post(
        "/files/", headers={**TUS, "Upload-Concat": f"final;{part}", "Upload-Length": "5"}
    )
    assert with_length.status_code == 400
    assert client.head(part, headers=TUS).headers["upload-offset"] == "5"  # the part is intact
