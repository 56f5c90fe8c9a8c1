"""tus upload state on disk: size caps before bytes, offsets, concatenation, expiry, owners."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.fakes import FakeClock
from video_transcriber.errors import (
    UploadError,
    UploadExpiredError,
    UploadNotFoundError,
    UploadOffsetError,
    UploadTooLargeError,
)
from video_transcriber.uploads.metadata import encode_metadata, parse_metadata
from video_transcriber.uploads.tus import TusStore


@pytest.fixture
def tus(tmp_path: Path) -> TusStore:
    return TusStore(tmp_path / "uploads", max_bytes=1000, expiry_seconds=60)


def append(tus: TusStore, upload_id: str, data: bytes, owner: str = "") -> None:
    info = tus.begin_append(upload_id, owner, offset=tus.get(upload_id, owner).offset)
    assert len(data) <= tus.room(info)
    writer = tus.open_writer(info)
    writer.write([data])
    tus.finish_append(info, writer)


def test_oversize_is_refused_before_anything_is_written(tus: TusStore) -> None:
    with pytest.raises(UploadTooLargeError, match="limit"):
        tus.create(owner="", length=1001, metadata={})
    assert list(tus.root.iterdir()) == []


def test_offset_is_the_bytes_on_disk(tus: TusStore) -> None:
    info = tus.create(owner="", length=10, metadata={"filename": "a.mp4"})
    append(tus, info.id, b"12345")
    assert tus.get(info.id, "").offset == 5
    with pytest.raises(UploadOffsetError, match="HEAD"):
        tus.begin_append(info.id, "", offset=3)
    append(tus, info.id, b"67890")
    assert tus.get(info.id, "").complete


def test_deferred_length_is_checked_when_it_is_set(tus: TusStore) -> None:
    info = tus.create(owner="", length=None, metadata={})
    assert tus.room(info) == 1000
    with pytest.raises(UploadTooLargeError):
        tus.begin_append(info.id, "", offset=0, length=5000)
    assert tus.begin_append(info.id, "", offset=0, length=4).length == 4


def test_concatenation_joins_finished_partials_in_order(tus: TusStore) -> None:
    parts = []
    for chunk in (b"abc", b"def", b"g"):
        part = tus.create(owner="", length=len(chunk), metadata={}, partial=True)
        append(tus, part.id, chunk)
        parts.append(part.id)
    final = tus.concatenate(owner="", part_ids=parts, metadata={"filename": "x.wav"})
    assert final.complete and final.final and final.length == 7
    assert tus.data_path(final.id).read_bytes() == b"abcdefg"
    for part_id in parts:
        with pytest.raises(UploadNotFoundError):
            tus.get(part_id, "")


def test_concatenation_refuses_unfinished_or_plain_uploads(tus: TusStore) -> None:
    unfinished = tus.create(owner="", length=5, metadata={}, partial=True)
    with pytest.raises(UploadError, match="not a finished partial"):
        tus.concatenate(owner="", part_ids=[unfinished.id], metadata={})
    plain = tus.create(owner="", length=0, metadata={})
    with pytest.raises(UploadError, match="not a finished partial"):
        tus.concatenate(owner="", part_ids=[plain.id], metadata={})


def test_concatenated_size_is_capped(tus: TusStore) -> None:
    parts = []
    for _ in range(2):
        part = tus.create(owner="", length=600, metadata={}, partial=True)
        append(tus, part.id, b"x" * 600)
        parts.append(part.id)
    with pytest.raises(UploadTooLargeError):
        tus.concatenate(owner="", part_ids=parts, metadata={})


def test_uploads_belong_to_their_owner(tus: TusStore) -> None:
    info = tus.create(owner="alice", length=3, metadata={})
    with pytest.raises(UploadNotFoundError):
        tus.get(info.id, "bob")
    with pytest.raises(UploadNotFoundError):
        tus.delete(info.id, "bob")


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "..", "ABC", "0" * 31, "a/b"])
def test_hostile_ids_never_reach_the_file_system(tus: TusStore, hostile: str) -> None:
    with pytest.raises(UploadNotFoundError):
        tus.get(hostile, "")


def test_expired_uploads_are_gone(tus: TusStore, upload_clock: FakeClock) -> None:
    info = tus.create(owner="", length=3, metadata={})
    upload_clock.advance(59.0)
    assert tus.get(info.id, "").id == info.id  # 60 s expiry: not yet
    upload_clock.advance(2.0)
    with pytest.raises(UploadExpiredError):
        tus.get(info.id, "")
    assert not tus.data_path(info.id).exists()
    with pytest.raises(UploadNotFoundError):
        tus.get(info.id, "")


def test_an_append_pushes_the_expiry_back(tus: TusStore, upload_clock: FakeClock) -> None:
    info = tus.create(owner="", length=6, metadata={})
    upload_clock.advance(50.0)
    append(tus, info.id, b"abc")
    upload_clock.advance(50.0)  # 100 s after creation, 50 s after the append
    assert tus.get(info.id, "").offset == 3


def test_sweep_deletes_only_expired_uploads(tus: TusStore, upload_clock: FakeClock) -> None:
    stale = tus.create(owner="", length=3, metadata={})
    upload_clock.advance(30.0)
    fresh = tus.create(owner="", length=3, metadata={})
    assert tus.sweep(now=upload_clock.now + 29.0) == 0
    assert tus.sweep(now=upload_clock.now + 31.0) == 1
    assert not tus.data_path(stale.id).exists()
    assert tus.data_path(fresh.id).exists()
    upload_clock.advance(61.0)
    assert tus.sweep() == 1  # without `now`, the store's own clock
    assert list(tus.root.iterdir()) == []


def test_take_moves_only_finished_uploads(tus: TusStore, tmp_path: Path) -> None:
    info = tus.create(owner="", length=3, metadata={})
    with pytest.raises(UploadError, match="unfinished"):
        tus.take(info.id, "", tmp_path / "out")
    append(tus, info.id, b"abc")
    tus.take(info.id, "", tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == b"abc"
    assert list(tus.root.iterdir()) == []


def test_metadata_round_trip_and_rejects_garbage() -> None:
    metadata = {"filename": "Vorlesung 1 \u2013 Ü.mp4", "filetype": "video/mp4", "flag": ""}
    assert parse_metadata(encode_metadata(metadata)) == metadata
    raw = "filename " + base64.b64encode(b"a.mp4").decode() + ",is_public"
    assert parse_metadata(raw) == {"filename": "a.mp4", "is_public": ""}
    for bad in ("filename !!!", "bad/key YQ==", "a YQ==,a YQ=="):
        with pytest.raises(UploadError):
            parse_metadata(bad)
