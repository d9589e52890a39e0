"""pgvector's tables, through pgvector-python's Django field and index: one table per kind of vector
and dimension, created only where the extension exists.

The raw float32 vectors in the table the vector store names (a VectorTable: prompts' embeddings)
stay the source of truth on every database; on PostgreSQL with pgvector, search keeps a copy of each
in `search_pgvector_<kind>_<dimensions>` (`prompt_id`, `user_id`, `model_name`, `vec vector(N)`) with
an HNSW cosine index. The dimension is the embedding model's: a model with another dimension gets its
own table, as FAISS gets its own files per model. The model classes are built at run time (the
dimension is known only once the embedder is loaded) and are not managed by migrations: `ensure()`
creates a table with Django's schema editor, `manage.py rebuild_index` fills it.
"""

import functools
import logging

from django.db import models, transaction
from pgvector.django import HnswIndex, VectorField

from .base import VectorTable

logger = logging.getLogger(__name__)
_CREATE = "CREATE EXTENSION IF NOT EXISTS vector"
NOT_CREATED = "the pgvector extension is available but not created in this database"
INSTALL_HINT = (
    "install pgvector 0.8 or later on the database server (e.g. the postgresql-NN-pgvector package), "
    "then run `python manage.py rebuild_index`"
)


def table_name(table: VectorTable, dimensions: int) -> str:
    """E.g. search_pgvector_vec_384 (prompts' vectors), search_pgvector_answer_vec_384 (answers')."""
    return f"search_pgvector_{table.index_column}_{dimensions}"


@functools.cache
def vector_model(name: str, dimensions: int) -> type[models.Model]:
    """The Django model of one pgvector table (built once per process)."""
    meta = type(
        "Meta",
        (),
        {
            "app_label": "search",
            "managed": False,
            "db_table": name,
            "indexes": [
                HnswIndex(name=f"{name}_hnsw", fields=["vec"], opclasses=["vector_cosine_ops"]),
                models.Index(fields=["user_id", "model_name"], name=f"{name}_user"),
            ],
        },
    )
    attributes = {
        "__module__": __name__,
        "Meta": meta,
        "prompt_id": models.BigIntegerField(primary_key=True),
        "user_id": models.BigIntegerField(),
        "model_name": models.CharField(max_length=200),
        "vec": VectorField(dimensions=dimensions),
    }
    return type(f"PgVector_{name}", (models.Model,), attributes)


def missing(connection, model: type[models.Model]) -> str | None:
    """What the pgvector backend lacks on this database, in words; None when it can run."""
    if connection.vendor != "postgresql":
        return f"the pgvector backend needs PostgreSQL; this database is {connection.vendor}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT default_version, installed_version FROM pg_available_extensions WHERE name = 'vector'")
        row = cursor.fetchone()
    if row is None:
        return f"this PostgreSQL server has no pgvector extension ('vector'): {INSTALL_HINT}"
    if row[1] is None:
        return f"{NOT_CREATED}: run `{_CREATE}` as a superuser, then `python manage.py rebuild_index`"
    if model._meta.db_table not in connection.introspection.table_names():
        return f"the {model._meta.db_table} table is missing: run `python manage.py rebuild_index`"
    return None


def ensure(connection, model: type[models.Model]) -> None:
    """Create the extension, and the table with its HNSW cosine index, if they are not there yet."""
    with connection.cursor() as cursor:
        cursor.execute(_CREATE)
    if model._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(model)
            for index in model._meta.indexes:  # not made by create_model for an unmanaged model
                editor.add_index(model, index)


def fixable(problem: str | None) -> bool:
    """Whether ensure() may fix this problem (a missing table, or an extension not created yet)."""
    return bool(problem) and (problem.startswith(NOT_CREATED) or "table is missing" in problem)


def try_ensure(connection, model: type[models.Model]) -> None:
    """ensure(), where this database role may: else the problem stays and is reported as it is."""
    try:
        with transaction.atomic(using=connection.alias):
            ensure(connection, model)
    except Exception as exc:  # noqa: BLE001 - e.g. not allowed to create extensions: report, don't fail
        logger.warning("pgvector: could not set up %s (%s); %s", model._meta.db_table, exc, INSTALL_HINT)


def drop_legacy(connection, table: VectorTable) -> None:
    """Remove the vector column an earlier version kept on the embeddings table itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {table.name}_{table.index_column}_hnsw")
        cursor.execute(f"ALTER TABLE {table.name} DROP COLUMN IF EXISTS {table.index_column}")
