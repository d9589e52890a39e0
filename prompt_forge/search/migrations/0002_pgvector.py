"""On PostgreSQL with pgvector: a vector(384) column and HNSW cosine index on the embeddings table.

Elsewhere (SQLite, PostgreSQL without the extension) this migration changes nothing and logs what
is missing; the default faiss backend needs none of it.
"""

from django.db import migrations


def _embeddings(apps):
    from prompt_forge.search.base import VectorTable

    return VectorTable(
        apps.get_model("prompts", "PromptEmbedding")._meta.db_table,
        id_column="prompt_id",
        user_column="user_id",
        model_column="model_name",
        vector_column="vector",
    )


def forwards(apps, schema_editor):
    from prompt_forge.search import pgvector_schema

    pgvector_schema.migrate(schema_editor.connection, _embeddings(apps))


def backwards(apps, schema_editor):
    from prompt_forge.search import pgvector_schema

    pgvector_schema.drop(schema_editor.connection, _embeddings(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_change_log"),
        ("prompts", "0002_import_key_and_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
