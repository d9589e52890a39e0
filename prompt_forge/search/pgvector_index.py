"""Similarity search in PostgreSQL with pgvector: an HNSW cosine index, filtered to one user.

The vectors live in the database next to the prompts, so every process sees the same, current
data with no in-memory state. pgvector 0.8's iterative index scans keep the filtered results
complete when one user's rows are a small part of the table.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.db import connection, transaction

from . import pgvector_schema, telemetry
from .base import Hit, SearchUnavailableError, VectorSource, VectorTable

_NEAREST = """
WITH nearest AS MATERIALIZED (
    SELECT {id} AS id, {vec} <=> %s::vector AS distance
    FROM {table}
    WHERE {user} = %s AND {model} = %s AND {vec} IS NOT NULL
    ORDER BY distance
    LIMIT %s
)
SELECT id, 1 - distance FROM nearest ORDER BY distance, id
"""
# A filter's few candidates: scanned exactly (the MATERIALIZED set keeps the planner off the HNSW
# index), so every one of them can be found however far from the query the graph would place it.
_AMONG_EXACT = """
WITH candidates AS MATERIALIZED (
    SELECT {id} AS id, {vec} AS vec FROM {table}
    WHERE {user} = %s AND {model} = %s AND {vec} IS NOT NULL AND {id} = ANY(%s)
)
SELECT id, 1 - (vec <=> %s::vector) FROM candidates ORDER BY vec <=> %s::vector, id LIMIT %s
"""
# Many candidates: the index scan, iterating until k rows pass both the user and the filter.
_AMONG_INDEXED = """
WITH nearest AS MATERIALIZED (
    SELECT {id} AS id, {vec} <=> %s::vector AS distance
    FROM {table}
    WHERE {user} = %s AND {model} = %s AND {vec} IS NOT NULL AND {id} = ANY(%s)
    ORDER BY distance
    LIMIT %s
)
SELECT id, 1 - distance FROM nearest ORDER BY distance, id
"""
EXACT_LIMIT = 20_000  # candidates up to this many are scanned exactly
_COUNT = "SELECT count(*) FROM {table} WHERE {user} = %s AND {model} = %s AND {vec} IS NOT NULL"


def _sql(template: str, table: VectorTable) -> str:
    return template.format(
        table=table.name,
        id=table.id_column,
        user=table.user_column,
        model=table.model_column,
        vec=table.index_column,
    )


class PgVectorIndex:
    def __init__(
        self, *, directory: Path, dimensions: int, source: VectorSource, model_name: str, ef_search: int = 100
    ) -> None:
        if dimensions != pgvector_schema.DIMENSIONS:
            raise SearchUnavailableError(f"the pgvector column holds {pgvector_schema.DIMENSIONS} dimensions")
        self._source = source
        self._table = source.table
        self._nearest = _sql(_NEAREST, source.table)
        self._count = _sql(_COUNT, source.table)
        self._among_exact = _sql(_AMONG_EXACT, source.table)
        self._among_indexed = _sql(_AMONG_INDEXED, source.table)
        self._model_name = model_name
        self._ef_search = ef_search
        self._ready = False

    def _require(self) -> None:
        if not self._ready:
            problem = pgvector_schema.missing(connection, self._table)
            if problem:
                raise SearchUnavailableError(f"VECTOR_BACKEND=pgvector: {problem}")
            self._ready = True

    def problem(self) -> str | None:
        """Why this index cannot serve requests (for /readyz), or None."""
        return pgvector_schema.missing(connection, self._table)

    def write(self, *, user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None:
        self._require()
        pgvector_schema.store(connection, self._table, list(ids), vectors)

    def search(self, *, user_id: int, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None) -> list[Hit]:
        self._require()
        literal = pgvector_schema.literal(vector)
        with telemetry.timed_search("pgvector"), transaction.atomic(), connection.cursor() as cursor:
            # Transaction-local settings: a larger candidate list, and iterative scans (pgvector 0.8)
            # that keep walking the graph until k rows pass the per-user filter (and the caller's).
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [str(max(self._ef_search, k))])
            cursor.execute("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)")
            if allowed is None:
                cursor.execute(self._nearest, [literal, user_id, self._model_name, k])
            elif len(allowed) <= EXACT_LIMIT:
                ids = [int(pid) for pid in allowed]
                cursor.execute(self._among_exact, [user_id, self._model_name, ids, literal, literal, k])
            else:
                cursor.execute("SELECT set_config('hnsw.max_scan_tuples', '1000000', true)")
                ids = [int(pid) for pid in allowed]
                cursor.execute(self._among_indexed, [literal, user_id, self._model_name, ids, k])
            rows = cursor.fetchall()
        return [Hit(prompt_id=int(pid), score=float(score)) for pid, score in rows]

    def size(self, *, user_id: int) -> int:
        self._require()
        with connection.cursor() as cursor:
            cursor.execute(self._count, [user_id, self._model_name])
            return int(cursor.fetchone()[0])

    def warm(self) -> int:
        """Nothing to load: PostgreSQL keeps the index. Checks that the backend can run."""
        self._require()
        return 0

    def check(self, *, user_id: int) -> str | None:
        self._require()
        expected = self._source.fingerprint(user_id, self._model_name).count
        found = self.size(user_id=user_id)
        if found != expected:
            return f"{expected - found} of {expected} stored vectors are missing from the pgvector column"
        return None

    def rebuild(self, *, user_id: int) -> int:
        with transaction.atomic():
            pgvector_schema.ensure(connection, self._table)
        self._ready = False
        self._require()
        with transaction.atomic():
            return pgvector_schema.backfill(connection, self._table, user_id=user_id, model_name=self._model_name)

    def flush(self) -> None:
        """Nothing to write: PostgreSQL holds the index."""
