"""Exact cosine search with FAISS: one in-memory index per user, persisted under DATA_DIR.

Vectors are L2-normalised, so inner product equals cosine similarity. The database is the source of
truth: before every search the user's index applies whatever the change log recorded since the
version it holds (one indexed query, usually returning nothing), so processes sharing a database
see each other's inserts and deletes. A snapshot file lets a restarted process skip reading every
vector back; it is written every `snapshot_every` changes, not on every insert, and on exit. A
missing, stale or corrupt snapshot is never served: it is rebuilt from that user's rows.
"""

import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from . import faiss_structures as structures
from . import snapshots, telemetry
from .base import Changes, Fingerprint, Hit, VectorSource

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^user_(\d+)\.faiss$")


class _UserIndex:
    def __init__(self, index: faiss.Index, version: int, saved_version: int) -> None:
        self.index = index
        self.version = version
        self.saved_version = saved_version
        self.built_size = index.ntotal  # an approximate index is re-clustered once it has doubled
        self.busy = False  # a background snapshot or restructure is running
        self.lock = threading.Lock()

    def apply(self, changes: Changes) -> bool:
        """Apply a change batch unless a newer one already was (batches reflect the current rows)."""
        if changes.version <= self.version:
            return False
        touched = [*changes.upsert_ids, *changes.removed_ids]
        if touched:
            self.index.remove_ids(np.asarray(touched, dtype=np.int64))
        if changes.upsert_ids:
            self.index.add_with_ids(changes.upsert_vectors, np.asarray(changes.upsert_ids, dtype=np.int64))
        self.version = changes.version
        return True

    def fingerprint(self) -> Fingerprint:
        ids = structures.ids_of(self.index)
        return Fingerprint(count=int(ids.size), id_sum=int(ids.sum()) if ids.size else 0)


class FaissVectorIndex:
    def __init__(
        self,
        *,
        directory: Path,
        dimensions: int,
        source: VectorSource,
        model_name: str,
        snapshot_every: int = 1000,
        threads: int | str = 1,
        approximate_from: int = 50_000,
        probe_fraction: float = 0.1,
    ) -> None:
        self._directory = directory
        self._directory.mkdir(parents=True, exist_ok=True)
        self._dimensions = dimensions
        self._source = source
        self._model_name = model_name
        self._snapshot_every = snapshot_every
        self._approximate_from = approximate_from
        self._probe_fraction = probe_fraction
        self._users: dict[int, _UserIndex] = {}
        self._loading: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts only
        if threads == "auto":  # measured once on this machine (faiss_threads.py)
            from .faiss_threads import measured_threads

            threads = measured_threads(dimensions=dimensions, vectors=approximate_from)
        if int(threads) > 0:
            # OpenMP threads spin while waiting; on a busy small machine one thread per search is faster.
            faiss.omp_set_num_threads(int(threads))

    # -- VectorIndex ---------------------------------------------------------------------------
    def write(self, *, user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Nothing to do: the vectors are in the database and the change log tells every process."""

    def remove(self, *, user_id: int, ids: Sequence[int]) -> None:
        """Nothing to do: the change log tells every process."""

    def search(self, *, user_id: int, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None) -> list[Hit]:
        # The per-user guard is the index itself: each user's vectors are a separate FAISS index.
        user = self._current(user_id)
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        with telemetry.timed_search("faiss"), user.lock:
            if user.index.ntotal == 0:
                return []
            if allowed is None:
                scores, ids = user.index.search(query, min(k, user.index.ntotal))
            else:
                scores, ids = structures.search_among(user.index, query, k, np.asarray(allowed, dtype=np.int64))
        return [
            Hit(prompt_id=int(pid), score=float(score))
            for pid, score in zip(ids[0], scores[0], strict=True)
            if pid != -1
        ]

    def size(self, *, user_id: int) -> int:
        return self._current(user_id).index.ntotal

    def warm(self) -> int:
        """Load every user's snapshot from disk (and catch up), so the first searches are fast."""
        total = 0
        for user_id in self._users_on_disk():
            total += self._current(user_id).index.ntotal
        return total

    def check(self, *, user_id: int) -> str | None:
        expected = self._source.fingerprint(user_id, self._model_name)
        try:
            snapshot = snapshots.read(self._path(user_id), dimensions=self._dimensions)
        except snapshots.SnapshotMissingError:
            return None  # built from the database on first use
        except snapshots.SnapshotError as exc:
            return f"{exc} (database has {expected.count} vectors)"
        user = _UserIndex(snapshot.index, snapshot.version, snapshot.version)
        user.apply(self._source.changes_since(user_id, user.version, self._model_name))
        found = user.fingerprint()
        if found != expected:
            return f"index file plus change log has {found.count} vectors, database has {expected.count}"
        return None

    def rebuild(self, *, user_id: int) -> int:
        user = self._rebuilt(user_id)
        with self._lock:
            self._users[user_id] = user
        self._report()
        return user.index.ntotal

    def problem(self) -> str | None:
        """Why this index cannot serve requests (for /readyz), or None."""
        if not os.access(self._directory, os.W_OK):
            return f"{self._directory} is not writable"
        return None

    # -- housekeeping --------------------------------------------------------------------------
    def flush(self) -> None:
        """Write a snapshot for every user whose index moved on since its last one."""
        with self._lock:
            users = list(self._users.items())
        for user_id, user in users:
            if user.version != user.saved_version:
                self._save(user_id, user)

    # -- loading, catching up, persisting ------------------------------------------------------
    def _path(self, user_id: int) -> Path:
        return self._directory / f"user_{user_id}.faiss"

    def _users_on_disk(self) -> list[int]:
        return sorted(int(m.group(1)) for p in self._directory.iterdir() if (m := _FILE_NAME.match(p.name)))

    def _current(self, user_id: int) -> _UserIndex:
        user = self._users.get(user_id)
        if user is None:
            return self._load(user_id)  # a fresh load is already current
        changes = self._source.changes_since(user_id, user.version, self._model_name)
        if changes.version > user.version:
            with user.lock:
                user.apply(changes)
            self._maintain(user_id, user)
            self._report()
        return user

    def _report(self) -> None:
        with self._lock:
            users = list(self._users.values())
        telemetry.index_size(vectors=sum(user.index.ntotal for user in users), users=len(users))

    def _load(self, user_id: int) -> _UserIndex:
        with self._lock:
            loading = self._loading.setdefault(user_id, threading.Lock())
        with loading:  # one thread loads a given user; others wait for it, other users don't
            user = self._users.get(user_id)
            if user is not None:
                return user
            user = self._from_snapshot(user_id) or self._rebuilt(user_id)
            with self._lock:
                self._users[user_id] = user
            self._report()
            return user

    def _from_snapshot(self, user_id: int) -> _UserIndex | None:
        try:
            snapshot = snapshots.read(self._path(user_id), dimensions=self._dimensions)
        except snapshots.SnapshotMissingError:
            return None
        except snapshots.SnapshotError as exc:
            logger.warning("search index for user %s: %s; rebuilding from the database", user_id, exc)
            return None
        user = _UserIndex(
            structures.configure(snapshot.index, self._probe_fraction), snapshot.version, snapshot.version
        )
        for _attempt in range(2):  # a commit landing between the two queries is not staleness
            user.apply(self._source.changes_since(user_id, user.version, self._model_name))
            if user.fingerprint() == self._source.fingerprint(user_id, self._model_name):
                self._maintain(user_id, user)
                return user
        logger.warning("search index for user %s is stale; rebuilding from the database", user_id)
        return None

    def _rebuilt(self, user_id: int) -> _UserIndex:
        stored = self._source.vectors(user_id, self._model_name)
        index = self._build(np.asarray(stored.ids, dtype=np.int64), stored.matrix)
        user = _UserIndex(index, stored.version, saved_version=-1)
        self._save(user_id, user)
        return user

    def _build(self, ids: np.ndarray, matrix: np.ndarray) -> faiss.Index:
        return structures.build(
            ids,
            matrix,
            dimensions=self._dimensions,
            approximate_from=self._approximate_from,
            probe_fraction=self._probe_fraction,
        )

    def _needs_restructure(self, user: _UserIndex) -> bool:
        size = user.index.ntotal
        if not structures.is_approximate(user.index):
            return size >= self._approximate_from
        return size < self._approximate_from // 2 or size > 2 * max(user.built_size, 1)

    def _maintain(self, user_id: int, user: _UserIndex) -> None:
        """In the background: switch structure when the size calls for it; write a snapshot when due."""
        restructure = self._needs_restructure(user)
        if user.busy or not (restructure or user.version - user.saved_version >= self._snapshot_every):
            return
        user.busy = True
        threading.Thread(
            target=self._restructure_and_save if restructure else self._save,
            args=(user_id, user),
            name=f"search-index-{user_id}",
            daemon=True,
        ).start()

    def _restructure_and_save(self, user_id: int, user: _UserIndex) -> None:
        try:
            with user.lock:
                ids, matrix = structures.contents(user.index)
                version = user.version
            rebuilt = self._build(ids, matrix)  # slow part, while searches go on with the old index
            with user.lock:
                # Changes applied meanwhile are replayed from the change log on the next search.
                user.index, user.version, user.built_size = rebuilt, version, rebuilt.ntotal
            logger.info("search index for user %s: %d vectors, %s", user_id, rebuilt.ntotal, type(rebuilt).__name__)
        except Exception:  # noqa: BLE001 - the current index keeps serving
            logger.exception("could not restructure the search index of user %s", user_id)
        self._save(user_id, user)

    def _save(self, user_id: int, user: _UserIndex) -> None:
        try:
            with user.lock:  # serialising is a memory copy; the disk write happens outside the lock
                payload, version, count = snapshots.serialize(user.index), user.version, user.index.ntotal
            snapshots.write(self._path(user_id), payload, version=version, dimensions=self._dimensions, count=count)
            user.saved_version = version
        except OSError:
            logger.exception("could not write the search index snapshot for user %s", user_id)
        finally:
            user.busy = False
