"""FAISS index snapshots on disk: a checked header, then the serialised index.

A snapshot records the change-log version it reflects, so it never has to be current: a process
loads it, then catches up from the change log. Files are written to a temporary name and renamed,
so readers never see a half-written one; a truncated or altered file fails its length or CRC check.
"""

import json
import logging
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

logger = logging.getLogger(__name__)

MAGIC = b"PFINDEX2"
_LENGTH = struct.Struct("<Q")


@dataclass
class Snapshot:
    index: faiss.Index
    version: int


class SnapshotError(Exception):
    """The file is missing, corrupt or made for other vectors; the caller rebuilds from the database."""


class SnapshotMissingError(SnapshotError):
    """No file yet: the index is built from the database on first use (not a sign of drift)."""


def serialize(index: faiss.Index) -> np.ndarray:
    return faiss.serialize_index(index)


def write(path: Path, payload: np.ndarray, *, version: int, dimensions: int, count: int) -> None:
    header = json.dumps(
        {
            "version": version,
            "dimensions": dimensions,
            "count": count,
            "payload_bytes": int(payload.nbytes),
            "crc32": zlib.crc32(payload),
        }
    ).encode()
    partial = path.with_name(f"{path.name}.{os.getpid()}.{id(payload)}.partial")
    try:
        with partial.open("wb") as handle:
            handle.write(MAGIC)
            handle.write(_LENGTH.pack(len(header)))
            handle.write(header)
            handle.write(memoryview(payload))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def read(path: Path, *, dimensions: int) -> Snapshot:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SnapshotMissingError("no index file") from exc
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _LENGTH.size:
        raise SnapshotError("not an index file of this format")
    start = len(MAGIC) + _LENGTH.size
    (header_size,) = _LENGTH.unpack_from(data, len(MAGIC))
    try:
        header = json.loads(data[start : start + header_size])
        payload = np.frombuffer(data, dtype=np.uint8, offset=start + header_size)
        if payload.nbytes != header["payload_bytes"] or zlib.crc32(payload) != header["crc32"]:
            raise SnapshotError("index file is truncated or corrupt (length or checksum mismatch)")
        index = faiss.deserialize_index(payload)
    except (ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise SnapshotError(f"index file is corrupt: {exc}") from exc
    if index.d != dimensions or index.ntotal != header["count"] or header["dimensions"] != dimensions:
        raise SnapshotError("index file was made for other vectors")
    return Snapshot(index=index, version=int(header["version"]))
