"""The pgvector column and HNSW index on the embeddings table, created only where pgvector exists.

The raw float32 vector in `prompts_promptembedding.vector` stays the source of truth on every
database; on PostgreSQL with pgvector a `vec vector(384)` copy of it is kept beside it for search.
Everything here is idempotent, so a migration, `manage.py rebuild_index` and a later install of
the extension all converge on the same schema.
"""

import logging

import numpy as np
from django.db import transaction

logger = logging.getLogger(__name__)

TABLE = "prompts_promptembedding"
COLUMN = "vec"
INDEX = "prompts_promptembedding_vec_hnsw"
DIMENSIONS = 384
_CREATE = "CREATE EXTENSION IF NOT EXISTS vector"
INSTALL_HINT = (
    "install pgvector 0.8 or later on the database server (e.g. the postgresql-NN-pgvector package), "
    "then run `python manage.py rebuild_index`"
)


def missing(connection) -> str | None:
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
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", [TABLE, COLUMN]
        )
        if cursor.fetchone() is None:
            return f"the {TABLE}.{COLUMN} column is missing: run `python manage.py rebuild_index`"
    return None


def ensure(connection) -> None:
    """Create the extension, the column and the HNSW cosine index if they are not there yet."""
    with connection.cursor() as cursor:
        cursor.execute(_CREATE)
        cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {COLUMN} vector({DIMENSIONS})")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING hnsw ({COLUMN} vector_cosine_ops)")


def drop(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


def literal(vector: np.ndarray) -> str:
    """pgvector's text form: '[0.1,0.2,...]'."""
    return "[" + ",".join(format(float(x), ".8g") for x in vector) + "]"


def store(connection, ids: list[int], vectors: np.ndarray) -> None:
    """Copy these prompts' vectors into the pgvector column (inside the caller's transaction)."""
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} AS e SET {COLUMN} = v.vec::vector "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(prompt_id, vec) WHERE e.prompt_id = v.prompt_id",
            [list(ids), [literal(row) for row in vectors]],
        )


def backfill(connection, *, user_id: int, model_name: str, batch_size: int = 2000) -> int:
    """Rewrite the user's pgvector column from the stored float32 vectors; returns rows written."""
    written, last_id = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT prompt_id, vector FROM {TABLE} WHERE user_id = %s AND model_name = %s AND prompt_id > %s "
                "ORDER BY prompt_id LIMIT %s",
                [user_id, model_name, last_id, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return written
        ids = [row[0] for row in rows]
        matrix = np.frombuffer(b"".join(bytes(row[1]) for row in rows), dtype="<f4").reshape(len(rows), -1)
        store(connection, ids, matrix)
        written += len(rows)
        last_id = ids[-1]


def migrate(connection) -> None:
    """Run by the search app's migration: set pgvector up where possible, else say what is missing."""
    if connection.vendor != "postgresql":
        logger.info("pgvector: skipped (the database is %s); the faiss search backend needs nothing", connection.vendor)
        return
    problem = missing(connection)
    if problem and "no pgvector extension" in problem:
        logger.warning("pgvector: %s. The default faiss search backend is unaffected.", problem)
        return
    try:
        with transaction.atomic(using=connection.alias):
            ensure(connection)
    except Exception as exc:  # noqa: BLE001 - e.g. not allowed to create extensions: report, don't fail
        logger.warning("pgvector: could not set up the vector column (%s); %s", exc, INSTALL_HINT)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT user_id, model_name FROM {TABLE} WHERE {COLUMN} IS NULL")
        pending = cursor.fetchall()
    for user_id, model_name in pending:
        backfill(connection, user_id=user_id, model_name=model_name)
    logger.info("pgvector: vector column and HNSW index ready")
