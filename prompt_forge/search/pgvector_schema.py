"""The pgvector column and HNSW index beside the stored vectors, created only where pgvector exists.

The raw float32 vectors in the table the vector store names (a VectorTable; prompts' embeddings
table) stay the source of truth on every database; on PostgreSQL with pgvector a `vec vector(384)`
copy of each is kept beside it for search. Everything here is idempotent, so a migration,
`manage.py rebuild_index` and a later install of the extension all converge on the same schema.
"""

import logging

import numpy as np
from django.db import transaction

from .base import VectorTable

logger = logging.getLogger(__name__)

DIMENSIONS = 384
_CREATE = "CREATE EXTENSION IF NOT EXISTS vector"
INSTALL_HINT = (
    "install pgvector 0.8 or later on the database server (e.g. the postgresql-NN-pgvector package), "
    "then run `python manage.py rebuild_index`"
)


def index_name(table: VectorTable) -> str:
    return f"{table.name}_{table.index_column}_hnsw"


def missing(connection, table: VectorTable) -> str | None:
    """What the pgvector backend lacks on this database, in words; None when it can run."""
    if connection.vendor != "postgresql":
        return f"the pgvector backend needs PostgreSQL; this database is {connection.vendor}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT default_version, installed_version FROM pg_available_extensions WHERE name = 'vector'")
        row = cursor.fetchone()
        if row is None:
            return f"this PostgreSQL server has no pgvector extension ('vector'): {INSTALL_HINT}"
        if row[1] is None:
            return (
                f"the pgvector extension is available but not created in this database: "
                f"run `{_CREATE}` as a superuser, then `python manage.py rebuild_index`"
            )
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            [table.name, table.index_column],
        )
        if cursor.fetchone() is None:
            return f"the {table.name}.{table.index_column} column is missing: run `python manage.py rebuild_index`"
    return None


def ensure(connection, table: VectorTable) -> None:
    """Create the extension, the column and the HNSW cosine index if they are not there yet."""
    with connection.cursor() as cursor:
        cursor.execute(_CREATE)
        cursor.execute(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS {table.index_column} vector({DIMENSIONS})")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(table)} ON {table.name} "
            f"USING hnsw ({table.index_column} vector_cosine_ops)"
        )


def drop(connection, table: VectorTable) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {index_name(table)}")
        cursor.execute(f"ALTER TABLE {table.name} DROP COLUMN IF EXISTS {table.index_column}")


def literal(vector: np.ndarray) -> str:
    """pgvector's text form: '[0.1,0.2,...]'."""
    return "[" + ",".join(format(float(x), ".8g") for x in vector) + "]"


def store(connection, table: VectorTable, ids: list[int], vectors: np.ndarray) -> None:
    """Copy these vectors into the pgvector column (inside the caller's transaction)."""
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table.name} AS e SET {table.index_column} = v.vec::vector "
            f"FROM unnest(%s::bigint[], %s::text[]) AS v(id, vec) WHERE e.{table.id_column} = v.id",
            [list(ids), [literal(row) for row in vectors]],
        )


def backfill(connection, table: VectorTable, *, user_id: int, model_name: str, batch_size: int = 2000) -> int:
    """Rewrite the user's pgvector column from the stored float32 vectors; returns rows written."""
    written, last_id = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {table.id_column}, {table.vector_column} FROM {table.name} "
                f"WHERE {table.user_column} = %s AND {table.model_column} = %s AND {table.id_column} > %s "
                f"AND {table.vector_column} IS NOT NULL "
                f"ORDER BY {table.id_column} LIMIT %s",
                [user_id, model_name, last_id, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return written
        ids = [row[0] for row in rows]
        matrix = np.frombuffer(b"".join(bytes(row[1]) for row in rows), dtype="<f4").reshape(len(rows), -1)
        store(connection, table, ids, matrix)
        written += len(rows)
        last_id = ids[-1]


def migrate(connection, table: VectorTable) -> None:
    """Run by the search app's migration: set pgvector up where possible, else say what is missing."""
    if connection.vendor != "postgresql":
        logger.info("pgvector: skipped (the database is %s); the faiss search backend needs nothing", connection.vendor)
        return
    problem = missing(connection, table)
    if problem and "no pgvector extension" in problem:
        logger.warning("pgvector: %s. The default faiss search backend is unaffected.", problem)
        return
    try:
        with transaction.atomic(using=connection.alias):
            ensure(connection, table)
    except Exception as exc:  # noqa: BLE001 - e.g. not allowed to create extensions: report, don't fail
        logger.warning("pgvector: could not set up the vector column (%s); %s", exc, INSTALL_HINT)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {table.user_column}, {table.model_column} FROM {table.name} "
            f"WHERE {table.index_column} IS NULL AND {table.vector_column} IS NOT NULL"
        )
        pending = cursor.fetchall()
    for user_id, model_name in pending:
        backfill(connection, table, user_id=user_id, model_name=model_name)
    logger.info("pgvector: vector column and HNSW index ready")
