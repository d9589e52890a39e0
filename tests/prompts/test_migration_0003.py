"""Migration 0003: every existing prompt becomes a one-turn conversation, nothing lost, ids unchanged."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("prompts", "0002_import_key_and_search_indexes")]
AFTER = [("prompts", "0003_conversations")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_prompts_become_one_turn_conversations():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Prompt = old.get_model("prompts", "Prompt")
    alice = User.objects.create(username="alice")
    bob = User.objects.create(username="bob")
    when = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    long_text = "word " * 40
    made = [
        Prompt.objects.create(user=alice, text="What is the capital of France?", response="Paris.", created_at=when),
        Prompt.objects.create(user=alice, text=long_text, response="ok", status="completed"),
        Prompt.objects.create(user=bob, text="bob's prompt", response="", status="failed"),
    ]
    ids = [prompt.pk for prompt in made]

    new = migrate(AFTER)
    Prompt = new.get_model("prompts", "Prompt")
    Conversation = new.get_model("prompts", "Conversation")
    assert sorted(Prompt.objects.values_list("pk", flat=True)) == sorted(ids)  # ids unchanged
    assert Conversation.objects.count() == 3
    for pk in ids:
        prompt = Prompt.objects.get(pk=pk)
        conversation = Conversation.objects.get(pk=prompt.conversation_id)
        assert conversation.user_id == prompt.user_id
        assert conversation.active_turn_id == pk and prompt.parent_id is None
        assert conversation.created_at == prompt.created_at == conversation.updated_at
    first = Conversation.objects.get(active_turn_id=ids[0])
    assert first.title == "What is the capital of France?" and first.created_at == when
    second = Conversation.objects.get(active_turn_id=ids[1])
    assert len(second.title) <= 60 and second.title.endswith("\u2026")
    assert Prompt.objects.get(pk=ids[2]).response == "" and Prompt.objects.get(pk=ids[0]).response == "Paris."

    # And back: the prompts stay, the conversations go.
    old = migrate(BEFORE)
    assert sorted(old.get_model("prompts", "Prompt").objects.values_list("pk", flat=True)) == sorted(ids)
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())  # every app at its latest again, for the tests that follow
