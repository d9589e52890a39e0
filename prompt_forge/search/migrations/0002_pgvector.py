"""Formerly: a vector(384) column and HNSW index on the embeddings table (PostgreSQL with pgvector).

Superseded by 0005, which moves such a column's vectors into search's own pgvector table; a new
database needs nothing here.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_change_log"),
        ("prompts", "0002_import_key_and_search_indexes"),
    ]

    operations = []
