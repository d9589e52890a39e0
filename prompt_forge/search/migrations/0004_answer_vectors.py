"""Formerly: an answer_vec column on the embeddings table (PostgreSQL with pgvector).

Superseded by 0005 (search's own pgvector tables, one per kind of vector and dimension).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_keyword_index"),
        ("prompts", "0004_answer_vector"),
    ]

    operations = []
