"""The streaming multipart reader: the file goes to disk, the cap stops it, fields are small."""

from __future__ import annotations

from pathlib import Path

import pytest

from video_transcriber.errors import UploadError, UploadTooLargeError
from video_transcriber.uploads.multipart import StreamingForm

BOUNDARY = "xyzBOUNDARYxyz"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body(fields: dict[str, str], file: bytes | None, filename: str = "a.wav") -> bytes:
    parts = []
    for name, value in fields.items():
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    if file is not None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: audio/wav\r\n\r\n'
        )
        parts.append(head.encode() + file + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def feed_in_pieces(form: StreamingForm, data: bytes, size: int = 7) -> None:
    for start in range(0, len(data), size):
        form.feed(data[start : start + size])


def test_file_streams_to_destination_and_fields_are_kept(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 40
    form = StreamingForm(CONTENT_TYPE, tmp_path / "f", max_bytes=100_000)
    feed_in_pieces(form, body({"name": "Week 1", "options": '{"language": "en"}'}, payload))
    result = form.finish()
    assert (tmp_path / "f").read_bytes() == payload
    assert result.size == len(payload)
    assert result.fields == {"name": "Week 1", "options": '{"language": "en"}'}
    assert result.filename == "a.wav"


def test_cap_stops_the_file(tmp_path: Path) -> None:
    form = StreamingForm(CONTENT_TYPE, tmp_path / "f", max_bytes=100)
    with pytest.raises(UploadTooLargeError):
        feed_in_pieces(form, body({}, b"x" * 1000), size=64)
    form.close()
    assert (tmp_path / "f").stat().st_size <= 100


def test_missing_file_field(tmp_path: Path) -> None:
    form = StreamingForm(CONTENT_TYPE, tmp_path / "f", max_bytes=100)
    form.feed(body({"name": "x"}, None))
    with pytest.raises(UploadError, match="'file'"):
        form.finish()


def test_not_multipart(tmp_path: Path) -> None:
    with pytest.raises(UploadError):
        StreamingForm("application/json", tmp_path / "f", max_bytes=100)
