"""Exact cosine search with FAISS: one in-memory index per user, persisted under DATA_DIR.

Vectors are L2-normalised, so inner product equals cosine similarity. A user's index is loaded
from disk on first use and checked against the database fingerprint; a missing, stale or corrupt
file is rebuilt from that user's rows (never from everyone's) and rewritten.
"""

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from .base import Fingerprint, Hit, VectorSource

logger = logging.getLogger(__name__)


class FaissVectorIndex:
    def __init__(self, *, directory: Path, dimensions: int, source: VectorSource) -> None:
        self._directory = directory
        self._directory.mkdir(parents=True, exist_ok=True)
        self._dimensions = dimensions
        self._source = source
        self._indexes: dict[int, faiss.IndexIDMap2] = {}
        self._lock = threading.RLock()

    # -- public interface -------------------------------------------------------------------
    def add(self, *, user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None:
        with self._lock:
            index = self._index_for(user_id)
            known = set(self._ids_of(index))
            fresh = [i for i, pid in enumerate(ids) if pid not in known]
            if fresh:
                index.add_with_ids(
                    np.ascontiguousarray(vectors[fresh], dtype=np.float32),
                    np.asarray([ids[i] for i in fresh], dtype=np.int64),
                )
                self._save(user_id, index)

    def remove(self, *, user_id: int, ids: Sequence[int]) -> None:
        with self._lock:
            index = self._index_for(user_id)
            removed = index.remove_ids(np.asarray(list(ids), dtype=np.int64))
            if removed:
                self._save(user_id, index)

    def search(self, *, user_id: int, vector: np.ndarray, k: int) -> list[Hit]:
        with self._lock:
            index = self._index_for(user_id)
            if index.ntotal == 0:
                return []
            query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
            scores, ids = index.search(query, min(k, index.ntotal))
        return [
            Hit(prompt_id=int(pid), score=float(score))
            for pid, score in zip(ids[0], scores[0], strict=True)
            if pid != -1
        ]

    def size(self, *, user_id: int) -> int:
        with self._lock:
            return self._index_for(user_id).ntotal

    def forget(self, *, user_id: int | None = None) -> None:
        """Drop in-memory copies so the next use reloads and re-verifies them."""
        with self._lock:
            if user_id is None:
                self._indexes.clear()
            else:
                self._indexes.pop(user_id, None)

    # -- loading and persistence ------------------------------------------------------------
    def _path(self, user_id: int) -> Path:
        return self._directory / f"user_{user_id}.faiss"

    @staticmethod
    def _ids_of(index: faiss.IndexIDMap2) -> np.ndarray:
        return faiss.vector_to_array(index.id_map)

    def _fingerprint(self, index: faiss.IndexIDMap2) -> Fingerprint:
        ids = self._ids_of(index)
        return Fingerprint(count=int(ids.size), id_sum=int(ids.sum()) if ids.size else 0)

    def _empty(self) -> faiss.IndexIDMap2:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self._dimensions))

    def _index_for(self, user_id: int) -> faiss.IndexIDMap2:
        index = self._indexes.get(user_id)
        if index is None:
            index = self._load_or_rebuild(user_id)
            self._indexes[user_id] = index
        return index

    def _load_or_rebuild(self, user_id: int) -> faiss.IndexIDMap2:
        path = self._path(user_id)
        expected = self._source.fingerprint(user_id)
        if path.exists():
            try:
                index = faiss.read_index(str(path))
                if index.d == self._dimensions and self._fingerprint(index) == expected:
                    return index
                logger.warning("index for user %s is stale; rebuilding from the database", user_id)
            except RuntimeError:
                logger.warning("index file %s is corrupt; rebuilding from the database", path)
        index = self._empty()
        ids, vectors = self._source.vectors(user_id)
        if ids:
            index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
        self._save(user_id, index)
        return index

    def _save(self, user_id: int, index: faiss.IndexIDMap2) -> None:
        path = self._path(user_id)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        faiss.write_index(index, str(partial))
        os.replace(partial, path)  # readers never see a half-written file
