"""Writing and reading the per-user change log (see models.py for why it is ordered).

Only search writes and reads it: other packages call the verbs in changes.py."""

from collections.abc import Sequence

import numpy as np
from django.db import connection, transaction

from .base import Changes, Fingerprint, Vectors, VectorStore
from .models import IndexChange, IndexVersion


def _bump(user_id: int, count: int) -> int:
    """Reserve `count` versions for the user; returns the last one. Locks the user's row until commit."""
    table = connection.ops.quote_name(IndexVersion._meta.db_table)
    with connection.cursor() as cursor:
        # One statement on SQLite (3.35+) and PostgreSQL: create the row or increment it, atomically.
        cursor.execute(
            f"INSERT INTO {table} (user_id, version) VALUES (%s, %s) "
            f"ON CONFLICT (user_id) DO UPDATE SET version = {table}.version + excluded.version "
            "RETURNING version",
            [user_id, count],
        )
        return int(cursor.fetchone()[0])


def record(*, user_id: int, prompt_ids: Sequence[int], op: str) -> int:
    """Log that these prompts were upserted or removed; call inside the writing transaction."""
    if not prompt_ids:
        return current_version(user_id)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal.record must run inside the transaction that changes the embeddings")
    last = _bump(user_id, len(prompt_ids))
    first = last - len(prompt_ids) + 1
    IndexChange.objects.bulk_create(
        IndexChange(user_id=user_id, version=first + offset, prompt_id=prompt_id, op=op)
        for offset, prompt_id in enumerate(prompt_ids)
    )
    return last


def current_version(user_id: int) -> int:
    return IndexVersion.objects.filter(user_id=user_id).values_list("version", flat=True).first() or 0


class ChangeLogSource:
    """An index's view of the truth: the stored vectors (a VectorStore) and this change log."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store
        self.table = store.table

    def fingerprint(self, user_id: int, model_name: str) -> Fingerprint:
        return self.store.fingerprint(user_id, model_name)

    def vectors(self, user_id: int, model_name: str) -> Vectors:
        # The version is read first: a change committed meanwhile is then replayed, never missed.
        version = current_version(user_id)
        ids, matrix = self.store.vectors(user_id, model_name)
        return Vectors(version=version, ids=ids, matrix=matrix)

    def changes_since(self, user_id: int, version: int, model_name: str) -> Changes:
        rows = IndexChange.objects.filter(user_id=user_id, version__gt=version).order_by("version")
        touched: dict[int, None] = {}  # in log order, each prompt once
        newest = version
        for row_version, prompt_id in rows.values_list("version", "prompt_id"):
            newest = row_version
            touched[prompt_id] = None
        if not touched:
            return Changes(version=version)
        # Whatever the logged operation, a prompt's current vector is the last word (none once deleted).
        current = self.store.vectors_of(list(touched), model_name)
        upsert_ids = [pid for pid in touched if pid in current]
        return Changes(
            version=newest,
            upsert_ids=upsert_ids,
            upsert_vectors=matrix_of([current[pid] for pid in upsert_ids]),
            removed_ids=[pid for pid in touched if pid not in current],
        )


def matrix_of(chunks: list[bytes]) -> np.ndarray:
    """Raw little-endian float32 rows as one contiguous float32 matrix."""
    if not chunks:
        return np.empty((0, 0), dtype=np.float32)
    matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(len(chunks), -1)
    return np.ascontiguousarray(matrix, dtype=np.float32)
