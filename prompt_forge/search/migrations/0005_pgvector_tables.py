"""pgvector through pgvector-python: search's own tables (search_pgvector_<kind>_<dimensions>, created by
pgvector_schema.ensure with Django's schema editor) instead of columns on the embeddings table.

A database that has the former 384-dimension columns keeps its vectors: they are copied into the
384-dimension tables, then the columns and their indexes are dropped. Elsewhere nothing happens.
"""

from django.db import migrations

LEGACY_DIMENSIONS = 384


def _legacy_tables(apps):
    from prompt_forge.search.base import VectorTable

    name = apps.get_model("prompts", "PromptEmbedding")._meta.db_table
    common = {"id_column": "prompt_id", "user_column": "user_id", "model_column": "model_name"}
    return [
        VectorTable(name, **common, vector_column="vector", index_column="vec"),
        VectorTable(name, **common, vector_column="answer_vector", index_column="answer_vec"),
    ]


def forwards(apps, schema_editor):
    from prompt_forge.search import pgvector_schema

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if cursor.fetchone() is not None:  # where the server has pgvector, the database gets it
            cursor.execute("SAVEPOINT pgvector_extension")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
            except Exception:  # noqa: BLE001 - not allowed to: the backend reports what to do
                cursor.execute("ROLLBACK TO SAVEPOINT pgvector_extension")
    for table in _legacy_tables(apps):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                [table.name, table.index_column],
            )
            legacy = cursor.fetchone() is not None
        if not legacy:
            continue
        model = pgvector_schema.vector_model(pgvector_schema.table_name(table, LEGACY_DIMENSIONS), LEGACY_DIMENSIONS)
        pgvector_schema.ensure(connection, model)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {model._meta.db_table} (prompt_id, user_id, model_name, vec) "
                f"SELECT prompt_id, user_id, model_name, {table.index_column} FROM {table.name} "
                f"WHERE {table.index_column} IS NOT NULL ON CONFLICT (prompt_id) DO NOTHING"
            )
        pgvector_schema.drop_legacy(connection, table)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_answer_vectors"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
