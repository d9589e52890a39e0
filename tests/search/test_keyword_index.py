"""The keyword index follows the history: written with each answer, emptied by deletes, rebuilt by the command."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from prompt_forge.search import keyword_index
from prompt_forge.search.base import Document
from prompt_forge.search.models import KeywordDocument
from tests.search.helpers import add

pytestmark = pytest.mark.django_db


def found(user, query: str) -> list[int]:
    return keyword_index.search(user_id=user.pk, query=query, limit=50)


def test_identifiers_and_numbers_match_whole(make_user):
    user = make_user()
    code = add(user, "the job died with E1107-KX again")
    near = add(user, "E1107 is a different code, KX a different word")
    function = add(user, "parse_config returns None")
    add(user, "parse the config file")
    assert found(user, "E1107-KX") == [code]
    assert found(user, "e1107-kx") == [code]
    assert found(user, "parse_config") == [function]
    assert set(found(user, "E1107")) == {near}


def test_an_answer_is_indexed_with_its_prompt(make_user):
    user = make_user()
    prompt_id = add(user, "tell me about bread")
    # The fake model answers "Answer to: <prompt>".
    assert found(user, "answer") == [prompt_id]


def test_deleting_a_conversation_empties_its_turns_from_the_index(make_user, client_for):
    user = make_user()
    prompt_id = add(user, "my sourdough starter smells of acetone")
    client = client_for(user)
    conversation = client.get(f"/prompts/{prompt_id}/").json()["conversation"]
    assert client.delete(f"/conversations/{conversation}/").status_code == 204
    assert found(user, "sourdough") == []
    assert not KeywordDocument.objects.filter(prompt_id=prompt_id).exists()


def test_rewriting_a_document_replaces_its_words(make_user):
    user = make_user()
    prompt_id = add(user, "first words")
    with transaction.atomic():
        keyword_index.write(user_id=user.pk, ids=[prompt_id], documents=[Document("second words", "")])
    assert found(user, "first") == []
    assert found(user, "second") == [prompt_id]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # FTS5 checks its index against the content table
            cursor.execute("INSERT INTO search_keyword_fts(search_keyword_fts, rank) VALUES('integrity-check', 1)")


def test_rebuild_index_restores_a_lost_keyword_index_and_check_reports_drift(make_user):
    user = make_user()
    prompt_id = add(user, "quarterly report on E1107-KX incidents")
    with transaction.atomic():
        keyword_index.remove(user_id=user.pk, ids=[prompt_id])
    assert found(user, "E1107-KX") == []
    with pytest.raises(CommandError, match="search index drift"):
        call_command("rebuild_index", "--check", verbosity=0)
    call_command("rebuild_index", verbosity=0)
    assert found(user, "E1107-KX") == [prompt_id]
    call_command("rebuild_index", "--check", verbosity=0)


def test_only_the_users_own_documents_match(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    add(alice, "alice writes about zeppelins")
    assert found(bob, "zeppelins") == []
