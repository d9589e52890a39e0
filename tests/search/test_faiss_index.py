"""The FAISS backend: current with the database, incremental, and never serving a bad file."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prompt_forge.prompts import services
from prompt_forge.prompts.models import Prompt, PromptEmbedding
from prompt_forge.prompts.vector_store import EmbeddingStore
from prompt_forge.search import faiss_structures as structures
from prompt_forge.search import snapshots
from prompt_forge.search.registry import get_index

from .helpers import add, restart_search, search_ids

pytestmark = pytest.mark.django_db(transaction=True)

TOPICS = ["baking sourdough bread", "rules of chess openings", "photosynthesis in green plants"]


def snapshot_path(user):
    return get_index()._path(user.pk)


@pytest.fixture
def alice(make_user):
    return make_user("alice")


def test_search_is_current_after_inserts_and_deletes(alice):
    bread, chess, plants = (add(alice, text) for text in TOPICS)
    assert search_ids(alice, "sourdough bread", k=1) == [bread]
    services.prompt_delete(user_id=alice.pk, prompt_id=bread)
    assert bread not in search_ids(alice, "sourdough bread")
    newer = add(alice, "sourdough bread starter")
    assert search_ids(alice, "sourdough bread", k=1) == [newer]
    assert set(search_ids(alice, "chess plants")) == {chess, plants, newer}


def test_an_up_to_date_index_costs_one_query_per_search(alice):
    for text in TOPICS:
        add(alice, text)
    index = get_index()
    index.size(user_id=alice.pk)  # loaded
    with CaptureQueriesContext(connection) as queries:
        hits = index.search(user_id=alice.pk, vector=index_vector("chess"), k=3)
    assert len(hits) == 3
    assert len(queries) == 1, [q["sql"] for q in queries]


def index_vector(text: str):
    from prompt_forge.ai.registry import get_embedder

    return get_embedder().embed([text])[0]


def test_restart_catches_up_from_snapshot_and_change_log_without_reading_every_vector(alice, monkeypatch):
    bread, chess, _ = (add(alice, text) for text in TOPICS)
    search_ids(alice, "anything")  # first load writes the snapshot
    written = snapshot_path(alice).read_bytes()

    newer = add(alice, "chess endgame puzzles")
    services.prompt_delete(user_id=alice.pk, prompt_id=bread)
    search_ids(alice, "chess")
    assert snapshot_path(alice).read_bytes() == written  # an insert does not rewrite the file

    restart_search()  # a restart (no clean exit: the snapshot stays behind)

    def full_read(*args, **kwargs):
        raise AssertionError("a restart with a valid snapshot must not reload every vector")

    monkeypatch.setattr(EmbeddingStore, "vectors", full_read)
    found = search_ids(alice, "chess", k=5)
    assert found[:2] == [newer, chess] or found[:2] == [chess, newer]
    assert bread not in found


def test_snapshot_is_rewritten_after_enough_changes_and_on_flush(alice, settings):
    settings.VECTOR_BACKEND_OPTIONS = {**settings.VECTOR_BACKEND_OPTIONS, "faiss": {"snapshot_every": 1000}}
    add(alice, TOPICS[0])
    search_ids(alice, "x")
    add(alice, TOPICS[1])
    search_ids(alice, "x")
    assert snapshots.read(snapshot_path(alice), dimensions=384).index.ntotal == 1
    get_index().flush()  # what a clean shutdown does
    assert snapshots.read(snapshot_path(alice), dimensions=384).index.ntotal == 2


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_corrupt_index_file_is_rebuilt_never_served(alice, damage):
    ids = [add(alice, text) for text in TOPICS]
    search_ids(alice, "x")
    path = snapshot_path(alice)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-100] ^= 0xFF  # one byte of one vector
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray(b"not an index at all")
    path.write_bytes(bytes(data))
    restart_search()

    assert search_ids(alice, "photosynthesis plants", k=1) == [ids[2]]
    rebuilt = snapshots.read(path, dimensions=384)
    assert rebuilt.index.ntotal == 3


def test_stale_index_file_is_rebuilt(alice):
    bread, chess, plants = (add(alice, text) for text in TOPICS)
    search_ids(alice, "x")
    restart_search()
    # Rows removed behind the service's back (e.g. a database restored from an older backup).
    Prompt.objects.filter(pk=bread).delete()
    assert search_ids(alice, "sourdough bread") in ([chess, plants], [plants, chess])


def test_vectors_of_another_model_are_not_searched(alice):
    bread, chess, _ = (add(alice, text) for text in TOPICS)
    PromptEmbedding.objects.filter(prompt_id=chess).update(model_name="some-older-model")
    restart_search()
    assert chess not in search_ids(alice, "chess openings")
    assert bread in search_ids(alice, "sourdough bread")


def test_large_histories_switch_to_the_approximate_index_and_stay_correct(alice, settings):
    settings.VECTOR_BACKEND_OPTIONS = {
        **settings.VECTOR_BACKEND_OPTIONS,
        "faiss": {"approximate_from": 40, "probe_fraction": 1.0},  # every cluster probed: results are exact
    }
    words = ["apple", "river", "engine", "violin", "planet", "garden", "winter", "castle", "pencil", "tiger"]
    ids = {f"{a} {b}": add(alice, f"{a} {b}") for a in words for b in words if a < b}  # 45 prompts
    assert search_ids(alice, "apple river", k=1) == [ids["apple river"]]
    index = get_index()
    for thread in threading.enumerate():
        if thread.name.startswith("search-index-"):
            thread.join(timeout=30)
    user = index._users[alice.pk]
    assert structures.is_approximate(user.index)

    services.prompt_delete(user_id=alice.pk, prompt_id=ids["apple river"])
    newest = add(alice, "apple river delta")
    assert search_ids(alice, "apple river", k=1) == [newest]
    index.flush()
    restart_search()
    assert search_ids(alice, "apple river", k=1) == [newest]
    assert structures.is_approximate(get_index()._users[alice.pk].index)
    assert get_index().size(user_id=alice.pk) == 45
