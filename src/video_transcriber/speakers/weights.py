"""Reading Resemblyzer's `pretrained.pt` without torch: the legacy (non-zip) torch format.

A legacy torch file is five things back to back:

    pickle: magic number          (0x1950a86a20f9469cfc6c)
    pickle: protocol version      (1001)
    pickle: system info           (endianness, sizes of short/int/long)
    pickle: the object            (tensors as `torch._utils._rebuild_tensor_v2(storage, ...)`;
                                   each storage a *persistent id* ('storage', type, key, ...))
    pickle: the storage keys      (in the order their bytes follow)
    for each key: int64 element count, then the raw little-endian elements

Design: the object pickle is read with a restricted `Unpickler` whose `find_class` admits only
`collections.OrderedDict`, the tensor rebuild function and the `torch.*Storage` type names, so a
weights file can never run code; tensors come back as placeholders, and once the raw storages
are read each placeholder becomes a numpy array (`as_strided` over its storage, copied).
Every pickle in the file, headers too, goes through that unpickler.
Only little-endian files are accepted (the system-info pickle says which).
"""

from __future__ import annotations

import collections
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from video_transcriber.errors import ModelError

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

STORAGE_DTYPES: dict[str, np.dtype[Any]] = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}
"""torch storage type names (as the pickle spells them) and the numpy types of their elements."""


@dataclass(frozen=True, slots=True)
class _StorageType:
    dtype: np.dtype[Any]


@dataclass(frozen=True, slots=True)
class _StorageRef:
    key: str
    dtype: np.dtype[Any]


@dataclass(frozen=True, slots=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(
    storage: _StorageRef, offset: int, shape: tuple[int, ...], stride: tuple[int, ...], *_: Any
) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(shape), tuple(stride))


class _WeightsUnpickler(pickle.Unpickler):
    """Admits only what a state dict needs; anything else in the file is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(STORAGE_DTYPES[name])
        raise pickle.UnpicklingError(f"refusing {module}.{name} in a weights file")

    def persistent_load(self, pid: Any) -> _StorageRef:
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        storage_type, key = pid[1], str(pid[2])
        if len(pid) > 5 and pid[5] is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"unknown storage type {storage_type!r}")
        return _StorageRef(key, storage_type.dtype)


def _check_header(stream: BinaryIO) -> None:
    if _WeightsUnpickler(stream).load() != MAGIC_NUMBER:
        raise pickle.UnpicklingError("not a legacy torch file (wrong magic number)")
    if _WeightsUnpickler(stream).load() != PROTOCOL_VERSION:
        raise pickle.UnpicklingError("unsupported torch file protocol")
    info = _WeightsUnpickler(stream).load()
    if not (isinstance(info, dict) and info.get("little_endian", False)):
        raise pickle.UnpicklingError("big-endian torch files are not supported")


def _read_storages(stream: BinaryIO, dtypes: dict[str, np.dtype[Any]]) -> dict[str, np.ndarray]:
    keys = _WeightsUnpickler(stream).load()
    storages: dict[str, np.ndarray] = {}
    for key in keys:
        count = int(np.frombuffer(stream.read(8), dtype="<i8")[0])
        if key not in dtypes:
            raise pickle.UnpicklingError(f"storage {key} belongs to no tensor")
        dtype = dtypes[key]
        raw = stream.read(count * dtype.itemsize)
        if len(raw) != count * dtype.itemsize:
            raise pickle.UnpicklingError(f"storage {key} is cut short")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    return storages


def _collect_refs(value: Any, found: dict[str, np.dtype[Any]]) -> None:
    if isinstance(value, _TensorRef):
        found[value.storage.key] = value.storage.dtype
    elif isinstance(value, dict):
        for item in value.values():
            _collect_refs(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_refs(item, found)


def _materialise(value: Any, storages: dict[str, np.ndarray]) -> Any:
    if isinstance(value, _TensorRef):
        flat = storages[value.storage.key]
        size = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[value.offset :],
            shape=value.shape,
            strides=tuple(step * size for step in value.stride),
        )
        return np.array(view, copy=True)
    if isinstance(value, dict):
        return type(value)((key, _materialise(item, storages)) for key, item in value.items())
    if isinstance(value, list):
        return [_materialise(item, storages) for item in value]
    if isinstance(value, tuple):
        return tuple(_materialise(item, storages) for item in value)
    return value


def read_legacy_torch(path: Path) -> Any:
    """The object saved in a legacy torch file, every tensor a numpy array.

    Raises `ModelError` (saying what to do) when the file is missing or not such a file.
    """
    try:
        with path.open("rb") as stream:
            _check_header(stream)
            value = _WeightsUnpickler(stream).load()
            dtypes: dict[str, np.dtype[Any]] = {}
            _collect_refs(value, dtypes)
            storages = _read_storages(stream, dtypes)
    except FileNotFoundError as error:
        raise ModelError(
            f"speaker model weights not found at {path}: run `make install` (it installs the "
            "resemblyzer package for its weights) or set VT_SPEAKERS__WEIGHTS to the file"
        ) from error
    except (pickle.UnpicklingError, EOFError, ValueError, IndexError) as error:
        raise ModelError(
            f"{path} is not a readable legacy torch weights file ({error}); reinstall "
            "resemblyzer 0.1.4 or point VT_SPEAKERS__WEIGHTS at its pretrained.pt"
        ) from error
    return _materialise(value, storages)
