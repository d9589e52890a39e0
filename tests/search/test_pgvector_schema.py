"""VECTOR_BACKEND=pgvector on a database without pgvector says exactly what is missing."""

import pytest
from django.db import connection

from prompt_forge.prompts.vector_store import EmbeddingStore
from prompt_forge.search import pgvector_schema

pytestmark = pytest.mark.django_db(transaction=True)
MODEL = pgvector_schema.vector_model(pgvector_schema.table_name(EmbeddingStore().table, 384), 384)


def test_migrated_database_without_pgvector_explains_what_is_missing():
    problem = pgvector_schema.missing(connection, MODEL)
    if connection.vendor == "postgresql":
        if problem is None:
            pytest.skip("this PostgreSQL server has pgvector")
        assert "no pgvector extension" in problem and "rebuild_index" in problem
    else:
        assert problem == "the pgvector backend needs PostgreSQL; this database is sqlite"


def test_search_answers_503_with_the_reason(make_user, client_for, settings):
    if pgvector_schema.missing(connection, MODEL) is None:
        pytest.skip("this database has pgvector")
    client = client_for(make_user())
    settings.VECTOR_BACKEND = "pgvector"
    response = client.get("/prompts/similar/", {"q": "anything"})
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "similarity search is unavailable"
    assert body["reason"].startswith("VECTOR_BACKEND=pgvector: ")
