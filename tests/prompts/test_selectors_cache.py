"""The opt-in semantic cache: a close earlier prompt of the same user answers without the model."""

import pytest
from prometheus_client import REGISTRY

from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "What is the capital of France?"


def post(client, text: str, **extra):
    return client.post("/prompts/", {"prompt": text, **extra}, format="json")


def test_close_earlier_prompt_answers_without_the_model(make_user, client_for):
    client = client_for(make_user())
    first = post(client, QUESTION).json()
    FakeGenerator.fail_with = "the model must not run on a cache hit"
    response = post(client, "what is the capital of france", use_cache=True)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["response"] == first["response"]
    assert body["metadata"]["model_used"] == first["metadata"]["model_used"]
    cache = body["metadata"]["extra_info"]["cache"]
    assert cache["hit"] is True and cache["source_prompt_id"] == first["id"]
    assert 0.95 <= cache["similarity"] <= 1.0001
    assert body["id"] != first["id"] and len(body["embedding"]["vector"]) == 384  # kept in history too
    assert client.get("/prompts/").json()["count"] == 2


def test_cache_never_answers_from_another_users_history(make_user, client_for):
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    post(alice, QUESTION)
    FakeGenerator.fail_with = "model down"
    refused = post(bob, QUESTION, use_cache=True)
    assert refused.status_code == 503  # bob's cache is empty: it had to generate, and could not
    FakeGenerator.fail_with = None
    body = post(bob, QUESTION, use_cache=True).json()
    assert body["metadata"]["extra_info"]["cache"]["hit"] is False
    assert body["metadata"]["model_used"] == "fake-generator"
    alice_ids = set(Prompt.objects.filter(user__username="alice").values_list("pk", flat=True))
    assert body["metadata"]["extra_info"]["cache"].get("source_prompt_id") not in alice_ids


def test_without_use_cache_the_model_always_runs(make_user, client_for):
    client = client_for(make_user())
    post(client, QUESTION)
    again = post(client, QUESTION).json()
    assert "cache" not in again["metadata"]["extra_info"]
    assert again["metadata"]["extra_info"]["completion_tokens"] > 0
    FakeGenerator.fail_with = "model down"
    assert post(client, QUESTION, use_cache=False).status_code == 503


def test_a_miss_below_the_threshold_generates_and_says_how_close_it_came(make_user, client_for, settings):
    client = client_for(make_user())
    post(client, QUESTION)
    body = post(client, "What is the capital of Spain?", use_cache=True).json()
    cache = body["metadata"]["extra_info"]["cache"]
    assert cache["hit"] is False and cache["threshold"] == 0.95
    assert 0 < cache["best_similarity"] < 0.95
    assert body["response"] == "Answer to: What is the capital of Spain?"

    settings.SEMANTIC_CACHE_THRESHOLD = 0.5
    lenient = post(client, "What is the capital of Italy?", use_cache=True).json()
    assert lenient["metadata"]["extra_info"]["cache"]["hit"] is True


def test_failed_prompts_are_never_served_from_the_cache(make_user, client_for):
    client = client_for(make_user())
    FakeGenerator.fail_with = "model down"
    post(client, QUESTION)
    FakeGenerator.fail_with = None
    body = post(client, QUESTION, use_cache=True).json()
    assert body["metadata"]["extra_info"]["cache"] == {"hit": False, "best_similarity": None, "threshold": 0.95}


@pytest.mark.parametrize("value", ["yes", 1, None, []])
def test_use_cache_must_be_a_boolean(make_user, client_for, value):
    response = post(client_for(make_user()), QUESTION, use_cache=value)
    assert response.status_code == 400
    assert response.json() == {"error": "use_cache must be true or false"}
    assert Prompt.objects.count() == 0


def test_cache_lookups_and_searches_are_counted(make_user, client_for):
    def sample(name: str, **labels) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    client = client_for(make_user())
    hits, misses = sample("prompt_forge_semantic_cache_hits_total"), sample("prompt_forge_semantic_cache_misses_total")
    searches = sample("prompt_forge_similar_search_seconds_count", backend="faiss")
    post(client, QUESTION, use_cache=True)  # miss: nothing cached yet
    post(client, QUESTION, use_cache=True)  # hit
    post(client, QUESTION)  # no lookup at all
    assert sample("prompt_forge_semantic_cache_hits_total") == hits + 1
    assert sample("prompt_forge_semantic_cache_misses_total") == misses + 1
    client.get("/prompts/similar/", {"q": "capital"})
    assert sample("prompt_forge_similar_search_seconds_count", backend="faiss") == searches + 3
    assert sample("prompt_forge_index_vectors") >= 3


def test_a_paraphrase_is_a_hit_and_a_different_question_with_the_same_words_is_not(make_user, client_for):
    client = client_for(make_user())
    first = post(client, "What is the largest city in Japan?").json()
    paraphrase = post(client, "what is the biggest town in japan", use_cache=True).json()
    assert paraphrase["metadata"]["extra_info"]["cache"]["hit"] is True
    assert paraphrase["response"] == first["response"]
    opposite = post(client, "What is the smallest city in Japan?", use_cache=True).json()
    cache = opposite["metadata"]["extra_info"]["cache"]
    assert cache["hit"] is False and cache["best_similarity"] < 0.95
    assert opposite["response"] == "Answer to: What is the smallest city in Japan?"
