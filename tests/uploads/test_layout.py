"""Partial uploads that say where they belong (Upload-Concat-Layout): whatever the final lists, it
holds exactly the listed parts' bytes in the listed order; bad layouts are refused before any
byte lands; parts stay independent uploads (resumable, deletable, expiring) until they are used."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from video_transcriber.errors import UploadError, UploadNotFoundError, UploadTooLargeError
from video_transcriber.uploads.layout import Placement, parse_placement
from video_transcriber.uploads.tus import TusStore, UploadInfo

TOKEN = "file-0123456789"


@pytest.fixture
def tus(tmp_path: Path) -> TusStore:
    return TusStore(tmp_path / "uploads", max_bytes=10_000, expiry_seconds=60)


def append(tus: TusStore, info: UploadInfo, data: bytes) -> UploadInfo:
    info = tus.begin_append(info.id, info.owner, offset=tus.get(info.id, info.owner).offset)
    writer = tus.open_writer(info)
    writer.write([data])
    return tus.finish_append(info, writer)


def laid_out(tus: TusStore, data: bytes, count: int, token: str = TOKEN) -> list[UploadInfo]:
    """`data` cut into `count` parts, each created with its place, none uploaded yet."""
    bounds = [len(data) * i // count for i in range(count + 1)]
    return [
        tus.create(
            owner="",
            length=bounds[i + 1] - bounds[i],
            metadata={},
            partial=True,
            placement=Placement(token, bounds[i], len(data)),
        )
        for i in range(count)
    ]


def pieces(data: bytes, count: int) -> list[bytes]:
    bounds = [len(data) * i // count for i in range(count + 1)]
    return [data[bounds[i] : bounds[i + 1]] for i in range(count)]


def test_parts_uploaded_in_any_order_join_into_the_file(tus: TusStore) -> None:
    data = os.urandom(4001)
    parts = laid_out(tus, data, 4)
    for part, piece in reversed(list(zip(parts, pieces(data, 4), strict=True))):
        assert append(tus, part, piece).complete
    final = tus.concatenate(owner="", part_ids=[p.id for p in parts], metadata={"filename": "a"})
    assert final.final and final.complete and final.length == len(data)
    assert tus.data_path(final.id).read_bytes() == data
    for part in parts:
        with pytest.raises(UploadNotFoundError):
            tus.get(part.id, "")
    assert sorted(p.name for p in tus.root.iterdir() if p.is_file()) == [
        final.id,
        f"{final.id}.json",
    ]
    assert not any((tus.root / "layouts").iterdir())


def test_a_final_in_another_order_holds_that_order(tus: TusStore) -> None:
    data = os.urandom(3000)
    parts = laid_out(tus, data, 3)
    for part, piece in zip(parts, pieces(data, 3), strict=True):
        append(tus, part, piece)
    order = [parts[2], parts[0], parts[1]]
    final = tus.concatenate(owner="", part_ids=[p.id for p in order], metadata={})
    expected = b"".join(pieces(data, 3)[i] for i in (2, 0, 1))
    assert tus.data_path(final.id).read_bytes() == expected


def test_a_final_of_some_parts_leaves_the_others_usable(tus: TusStore) -> None:
    data = os.urandom(4000)
    parts = laid_out(tus, data, 4)
    for part, piece in zip(parts, pieces(data, 4), strict=True):
        append(tus, part, piece)
    first = tus.concatenate(owner="", part_ids=[parts[0].id, parts[1].id], metadata={})
    assert tus.data_path(first.id).read_bytes() == data[:2000]
    assert tus.get(parts[2].id, "").complete
    second = tus.concatenate(owner="", part_ids=[parts[2].id, parts[3].id], metadata={})
    assert tus.data_path(second.id).read_bytes() == data[2000:]


def test_unfinished_part_is_refused_and_nothing_is_lost(tus: TusStore, tmp_path: Path) -> None:
    data = os.urandom(2000)
    parts = laid_out(tus, data, 2)
    append(tus, parts[0], data[:1000])
    append(tus, parts[1], data[1000:1500])
    with pytest.raises(UploadError, match="not a finished partial upload"):
        tus.concatenate(owner="", part_ids=[p.id for p in parts], metadata={})
    reopened = TusStore(tus.root, max_bytes=10_000, expiry_seconds=60)  # as after a restart
    assert reopened.get(parts[1].id, "").offset == 500
    append(reopened, reopened.get(parts[1].id, ""), data[1500:])
    final = reopened.concatenate(owner="", part_ids=[p.id for p in parts], metadata={})
    assert reopened.data_path(final.id).read_bytes() == data


def test_missing_part_in_a_final_names_it(tus: TusStore) -> None:
    [part] = laid_out(tus, b"abcdefgh", 1)
    append(tus, part, b"abcdefgh")
    with pytest.raises(UploadNotFoundError, match=f"/files/{'0' * 32}"):
        tus.concatenate(owner="", part_ids=[part.id, "0" * 32], metadata={})
    assert tus.get(part.id, "").complete


@pytest.mark.parametrize(
    ("length", "placement", "error", "message"),
    [
        (600, Placement(TOKEN, 500, 1000), UploadError, "past the declared total"),
        (500, Placement(TOKEN, 0, 20_000), UploadTooLargeError, "limit"),
        (None, Placement(TOKEN, 0, 1000), UploadError, "Upload-Length"),
    ],
)
def test_impossible_layouts_are_refused(
    tus: TusStore,
    length: int | None,
    placement: Placement,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        tus.create(owner="", length=length, metadata={}, partial=True, placement=placement)
    assert [p for p in tus.root.iterdir() if p.is_file()] == []


def test_overlaps_and_changed_totals_are_refused(tus: TusStore) -> None:
    tus.create(owner="", length=500, metadata={}, partial=True, placement=Placement(TOKEN, 0, 1000))
    with pytest.raises(UploadError, match="overlaps"):
        tus.create(
            owner="", length=500, metadata={}, partial=True, placement=Placement(TOKEN, 499, 1000)
        )
    with pytest.raises(UploadError, match="total"):
        tus.create(
            owner="", length=500, metadata={}, partial=True, placement=Placement(TOKEN, 500, 999)
        )
    other_owner = tus.create(
        owner="bob", length=500, metadata={}, partial=True, placement=Placement(TOKEN, 0, 1000)
    )
    assert other_owner.partial  # the same token of another owner is another file


def test_plain_uploads_cannot_be_laid_out(tus: TusStore) -> None:
    with pytest.raises(UploadError, match="only for partial uploads"):
        tus.create(owner="", length=10, metadata={}, placement=Placement(TOKEN, 0, 10))


def test_deleted_and_expired_parts_free_their_place(tus: TusStore) -> None:
    data = os.urandom(1000)
    parts = laid_out(tus, data, 2)
    append(tus, parts[0], data[:500])
    tus.delete(parts[0].id, "")
    again = tus.create(
        owner="", length=500, metadata={}, partial=True, placement=Placement(TOKEN, 0, 1000)
    )
    append(tus, again, data[:500])
    append(tus, parts[1], data[500:])
    final = tus.concatenate(owner="", part_ids=[again.id, parts[1].id], metadata={})
    assert tus.data_path(final.id).read_bytes() == data

    stale = laid_out(tus, data, 2, token="another-file-1")
    append(tus, stale[0], data[:500])
    assert tus.sweep(now=time.time() + 61) == 3  # the final and both parts; the layout goes too
    assert [p.name for p in tus.root.iterdir() if p.is_file()] == []
    assert not any((tus.root / "layouts").iterdir())


@pytest.mark.parametrize(
    "header", ["tok 0 10", f"{TOKEN} 0", f"{TOKEN} -1 10", f"{TOKEN} 0 ten", f"{TOKEN} 0 1 2"]
)
def test_malformed_layout_headers_say_what_is_expected(header: str) -> None:
    with pytest.raises(UploadError, match="<token> <start> <total>"):
        parse_placement(header)
