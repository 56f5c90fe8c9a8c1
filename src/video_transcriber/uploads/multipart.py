"""A streaming `multipart/form-data` reader that writes the `file` field straight to disk.

Starlette's form parser spools every file to a temporary file before the route sees it, whatever
its size, so a size cap could only be checked after the whole body had landed. This one is fed
the request body piece by piece, writes the file part to a destination the caller chose, counts
bytes and stops at the cap, and keeps only small text fields in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from video_transcriber.errors import UploadError, UploadTooLargeError
from video_transcriber.uploads.tus import too_large_message

_MALFORMED = "The multipart form is malformed; send it again with a standard HTTP client."
FILE_FIELD = "file"
MAX_FIELD_BYTES = 64 * 1024
"""All text fields together; options and a name need far less."""


@dataclass(slots=True)
class FormResult:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    """The client's file name: metadata only, never used as a path."""
    size: int = 0


def boundary_of(content_type: str) -> bytes:
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("Send the file as multipart/form-data with a boundary.")
    return boundary


class StreamingForm:
    """Feed it the body; the `file` part goes to `destination`, at most `max_bytes` of it."""

    def __init__(self, content_type: str, destination: Path, *, max_bytes: int) -> None:
        self.result = FormResult()
        self._destination = destination
        self._max_bytes = max_bytes
        self._out: BinaryIO | None = None
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._name: str | None = None
        self._value = bytearray()
        self._field_bytes = 0
        self._parser = MultipartParser(
            boundary_of(content_type),
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
                "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def feed(self, data: bytes) -> None:
        try:
            self._parser.write(data)
        except FormParserError as exc:
            raise UploadError(_MALFORMED) from exc

    def feed_many(self, pieces: list[bytes]) -> None:
        """`feed` each piece in turn (what `api.streaming.stream_body` hands over)."""
        for piece in pieces:
            self.feed(piece)

    def finish(self) -> FormResult:
        try:
            self._parser.finalize()
        except FormParserError as exc:
            raise UploadError(_MALFORMED) from exc
        self.close()
        if self.result.filename is None:
            raise UploadError(f"The form has no '{FILE_FIELD}' field; attach the media file.")
        return self.result

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def _part_begin(self) -> None:
        self._headers, self._name, self._value = {}, None, bytearray()

    def _header_end(self) -> None:
        key = self._header_field.decode("latin-1").strip().lower()
        self._headers[key] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", b""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        if self._name != FILE_FIELD:
            return
        if self.result.filename is not None:
            raise UploadError(f"Send exactly one '{FILE_FIELD}' field per job.")
        self.result.filename = params.get(b"filename", b"upload").decode("utf-8", "replace")
        self._out = self._destination.open("wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        if self._name == FILE_FIELD and self._out is not None:
            if self.result.size + size > self._max_bytes:
                raise UploadTooLargeError(
                    too_large_message(self.result.size + size, self._max_bytes)
                )
            self._out.write(data[start:end])
            self.result.size += size
            return
        self._field_bytes += size
        if self._field_bytes > MAX_FIELD_BYTES:
            raise UploadError("The form's text fields are too long; send only a name and options.")
        self._value.extend(data[start:end])

    def _part_end(self) -> None:
        if self._name == FILE_FIELD:
            self.close()
        elif self._name:
            self.result.fields[self._name] = self._value.decode("utf-8", "replace")
