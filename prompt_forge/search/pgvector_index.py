"""Similarity search in PostgreSQL with pgvector, through pgvector-python's Django field, index and
CosineDistance: an HNSW cosine index, filtered to one user in the query.

The vectors live in the database next to the prompts, so every process sees the same, current data
with no in-memory state. pgvector 0.8's iterative index scans keep the filtered results complete
when one user's rows are a small part of the table; a filter's few candidates are scanned exactly.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.db import connection, transaction
from pgvector.django import CosineDistance

from . import pgvector_schema, telemetry
from .base import Hit, SearchUnavailableError, VectorSource

EXACT_LIMIT = 20_000  # a filter keeping at most this many candidates is scanned exactly
BATCH = 2000


class PgVectorIndex:
    def __init__(
        self, *, directory: Path, dimensions: int, source: VectorSource, model_name: str, ef_search: int = 100
    ) -> None:
        self._source = source
        self._model = pgvector_schema.vector_model(pgvector_schema.table_name(source.table, dimensions), dimensions)
        self._model_name = model_name
        self._ef_search = ef_search
        self._ready = False

    def _require(self) -> None:
        if not self._ready:
            problem = pgvector_schema.missing(connection, self._model)
            if pgvector_schema.fixable(problem):
                # A new model's dimension: a new table (and the extension, where this role may create it).
                pgvector_schema.try_ensure(connection, self._model)
                problem = pgvector_schema.missing(connection, self._model)
            if problem:
                raise SearchUnavailableError(f"VECTOR_BACKEND=pgvector: {problem}")
            self._ready = True

    def _rows(self, user_id: int):
        # The per-user guard is in every query.
        return self._model.objects.filter(user_id=user_id, model_name=self._model_name)

    def problem(self) -> str | None:
        """Why this index cannot serve requests (for /readyz), or None."""
        problem = pgvector_schema.missing(connection, self._model)
        return None if problem and "table is missing" in problem else problem  # made on first use

    def write(self, *, user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None:
        self._require()
        self._model.objects.bulk_create(
            [
                self._model(prompt_id=pid, user_id=user_id, model_name=self._model_name, vec=vector)
                for pid, vector in zip(ids, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["prompt_id"],
            update_fields=["user_id", "model_name", "vec"],
        )

    def remove(self, *, user_id: int, ids: Sequence[int]) -> None:
        self._require()
        self._model.objects.filter(user_id=user_id, prompt_id__in=list(ids)).delete()

    def search(self, *, user_id: int, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None) -> list[Hit]:
        self._require()
        rows = self._rows(user_id)
        with telemetry.timed_search("pgvector"), transaction.atomic(), connection.cursor() as cursor:
            # Transaction-local settings: a larger candidate list, and iterative scans (pgvector 0.8)
            # that keep walking the graph until k rows pass the per-user filter (and the caller's).
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [str(max(self._ef_search, k))])
            cursor.execute("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)")
            if allowed is not None:
                rows = rows.filter(prompt_id__in=[int(pid) for pid in allowed])
                if len(allowed) <= EXACT_LIMIT:
                    # Few candidates: an exact scan of them (no index walk that could miss one).
                    cursor.execute("SELECT set_config('enable_indexscan', 'off', true)")
                else:
                    cursor.execute("SELECT set_config('hnsw.max_scan_tuples', '1000000', true)")
            nearest = rows.annotate(distance=CosineDistance("vec", vector)).order_by("distance")[:k]
            found = list(nearest.values_list("prompt_id", "distance"))
        # relaxed_order: exact distances, re-sorted here (ties by id, as the FAISS backend).
        found.sort(key=lambda row: (row[1], row[0]))
        return [Hit(prompt_id=int(pid), score=1.0 - float(distance)) for pid, distance in found]

    def size(self, *, user_id: int) -> int:
        self._require()
        return self._rows(user_id).count()

    def warm(self) -> int:
        """Nothing to load: PostgreSQL keeps the index. Checks that the backend can run."""
        self._require()
        return 0

    def check(self, *, user_id: int) -> str | None:
        self._require()
        expected = self._source.fingerprint(user_id, self._model_name).count
        found = self.size(user_id=user_id)
        if found != expected:
            return f"the pgvector table {self._model._meta.db_table} has {found} vectors, the database {expected}"
        return None

    def rebuild(self, *, user_id: int) -> int:
        """Rewrite the user's rows from the stored vectors; returns how many."""
        self._ready = False
        self._require()
        stored = self._source.vectors(user_id, self._model_name)
        with transaction.atomic():
            self._model.objects.filter(user_id=user_id).delete()
            for start in range(0, len(stored.ids), BATCH):
                ids = stored.ids[start : start + BATCH]
                self.write(user_id=user_id, ids=ids, vectors=stored.matrix[start : start + BATCH])
        return len(stored.ids)

    def flush(self) -> None:
        """Nothing to write: PostgreSQL holds the index."""
