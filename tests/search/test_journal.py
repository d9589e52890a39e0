"""Search's change log: versions per user, in order, and the net changes an index catches up with."""

import numpy as np
import pytest
from django.db import transaction

from prompt_forge.prompts import services
from prompt_forge.prompts.models import PromptEmbedding
from prompt_forge.prompts.vector_store import EmbeddingStore
from prompt_forge.search import changes, journal
from prompt_forge.search.journal import ChangeLogSource
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.django_db(transaction=True)
MODEL = FakeEmbedder.model_name


@pytest.fixture
def source():
    return ChangeLogSource(EmbeddingStore())


def test_the_log_is_written_only_inside_the_writing_transaction(make_user):
    user = make_user()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        changes.record_removals(user.pk, [1])
    assert journal.current_version(user.pk) == 0


def test_each_change_takes_the_next_version_of_its_user_only(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    with transaction.atomic():
        changes.record_removals(alice.pk, [10, 11, 12])
        changes.record_removals(bob.pk, [20])
        changes.record_removals(alice.pk, [13])
    assert journal.current_version(alice.pk) == 4
    assert journal.current_version(bob.pk) == 1


def test_changes_since_reports_current_vectors_and_removals_once(make_user, source):
    alice = make_user()
    first = services.prompt_create(user_id=alice.pk, text="bread baking").pk
    second = services.prompt_create(user_id=alice.pk, text="chess openings").pk
    assert source.changes_since(alice.pk, 0, MODEL).upsert_ids == [first, second]
    seen = journal.current_version(alice.pk)

    services.prompt_delete(user_id=alice.pk, prompt_id=first)
    third = services.prompt_create(user_id=alice.pk, text="garden roses").pk
    delta = source.changes_since(alice.pk, seen, MODEL)
    assert delta.removed_ids == [first] and delta.upsert_ids == [third]
    assert delta.version == journal.current_version(alice.pk)
    stored = PromptEmbedding.objects.get(prompt_id=third).as_array()
    assert np.array_equal(delta.upsert_vectors[0], stored)

    nothing = source.changes_since(alice.pk, delta.version, MODEL)
    assert nothing.empty and nothing.version == delta.version


def test_a_prompt_upserted_then_removed_in_the_same_span_counts_as_removed(make_user, source):
    alice = make_user()
    prompt = services.prompt_create(user_id=alice.pk, text="volcanoes").pk
    services.prompt_delete(user_id=alice.pk, prompt_id=prompt)
    delta = source.changes_since(alice.pk, 0, MODEL)
    assert delta.upsert_ids == [] and delta.removed_ids == [prompt]


def test_vectors_of_another_embedding_model_are_not_served(make_user, source):
    alice = make_user()
    prompt = services.prompt_create(user_id=alice.pk, text="rivers").pk
    assert source.changes_since(alice.pk, 0, "another-model").removed_ids == [prompt]
    full = source.vectors(alice.pk, MODEL)
    assert full.ids == [prompt] and full.matrix.shape == (1, 384)
    assert full.version == journal.current_version(alice.pk)
    assert source.fingerprint(alice.pk, MODEL).count == 1
