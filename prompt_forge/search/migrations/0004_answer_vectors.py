"""On PostgreSQL with pgvector: an answer_vec vector(384) column and HNSW cosine index beside the answers' vectors.

Elsewhere this migration changes nothing (the FAISS backend keeps the answers' index in its own files).
"""

from django.db import migrations


def _answers(apps):
    from prompt_forge.search.base import VectorTable

    return VectorTable(
        apps.get_model("prompts", "PromptEmbedding")._meta.db_table,
        id_column="prompt_id",
        user_column="user_id",
        model_column="model_name",
        vector_column="answer_vector",
        index_column="answer_vec",
    )


def forwards(apps, schema_editor):
    from prompt_forge.search import pgvector_schema

    pgvector_schema.migrate(schema_editor.connection, _answers(apps))


def backwards(apps, schema_editor):
    from prompt_forge.search import pgvector_schema

    pgvector_schema.drop(schema_editor.connection, _answers(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_keyword_index"),
        ("prompts", "0004_answer_vector"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
