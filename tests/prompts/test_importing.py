"""The import's duplicate checks read the import-key indexes, not every row of the user: an import's
speed does not fall as the user's history grows."""

import pytest
from django.db import connection

from prompt_forge.prompts.conversations.models import Conversation
from prompt_forge.prompts.importing import imported_keys

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner is the one that missed the index")
def test_the_duplicate_checks_read_the_import_key_indexes(make_user):
    user = make_user()
    prompts = plan(imported_keys(user_id=user.pk, keys={"a" * 64, "b" * 64}))
    assert "prompt_user_import_key" in prompts and "prompt_user_recent" not in prompts
    conversations = Conversation.objects.filter(user_id=user.pk, import_key="c" * 64).exclude(import_key="")
    assert "conversation_import_key" in plan(conversations)
