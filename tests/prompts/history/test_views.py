"""GET /search/ as a user meets it: words, meaning, answers, filters, snippets, and bad input."""

import pytest

from tests.search.helpers import add

pytestmark = pytest.mark.django_db

TOPICS = [
    "How do I keep a sourdough starter alive over the holidays?",
    "The build fails with error E1107-KX when the cache is cold, what does it mean?",
    "Write a haiku about autumn leaves falling on a quiet pond",
    "What is the fastest way to learn the guitar as an adult beginner?",
    "Compare index funds and bonds for a ten year retirement horizon",
    "Why does my function parse_config return None for nested keys?",
    "Plan a three day walking trip in the Scottish highlands",
    "Explain photosynthesis to a ten year old",
]


@pytest.fixture
def history(make_user):
    user = make_user()
    ids = {text: add(user, text) for text in TOPICS}
    return user, ids


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_an_error_code_finds_the_prompt_that_mentions_it_first(history, client_for):
    user, ids = history
    hits = search(client_for(user), q="E1107-KX")
    assert hits[0]["id"] == ids[TOPICS[1]]
    assert hits[0]["keyword_rank"] == 1
    assert "prompt" in hits[0]["matched"]
    snippet = hits[0]["snippet"]
    marked = [snippet["text"][h["start"] : h["end"]] for h in snippet["highlights"]]
    assert marked == ["E1107-KX"]


def test_an_identifier_with_underscore_matches_whole(history, client_for):
    user, ids = history
    hits = search(client_for(user), q="parse_config", mode="keyword")
    assert [hit["id"] for hit in hits] == [ids[TOPICS[5]]]


def test_a_word_only_in_an_answer_finds_that_turn(history, client_for):
    user, ids = history
    # The fake model answers "Answer to: <prompt>": "answer" appears in answers only.
    hits = search(client_for(user), q="answer", mode="keyword", k=50)
    assert len(hits) == len(TOPICS)
    assert all(hit["matched"] == ["answer"] for hit in hits)
    assert all(hit["snippet"]["field"] == "answer" for hit in hits)


def test_a_hit_names_its_conversation_and_turn_without_the_vector(history, client_for):
    user, ids = history
    hit = search(client_for(user), q="haiku autumn")[0]
    assert hit["id"] == ids[TOPICS[2]]
    assert set(hit["conversation"]) == {"id", "title"}
    assert "embedding" not in hit
    assert hit["score"] > 0 and hit["semantic_rank"] is not None


def test_modes_rank_differently(history, client_for):
    user, ids = history
    client = client_for(user)
    keyword = search(client, q="E1107-KX", mode="keyword")
    assert all(hit["semantic_rank"] is None for hit in keyword)
    semantic = search(client, q="E1107-KX", mode="semantic")
    assert all(hit["keyword_rank"] is None for hit in semantic)


def test_filters_narrow_the_hits(history, client_for):
    user, ids = history
    client = client_for(user)
    conversation = client.get(f"/prompts/{ids[TOPICS[0]]}/").json()["conversation"]
    hits = search(client, q="answer", conversation=conversation, k=50)
    assert [hit["id"] for hit in hits] == [ids[TOPICS[0]]]
    assert search(client, q="answer", model="no-such-model") == []
    assert len(search(client, q="answer", model="fake-generator", k=50)) == len(TOPICS)
    assert search(client, q="answer", since="2999-01-01") == []
    assert search(client, q="answer", until="2000-01-01") == []
    assert search(client, q="answer", status="failed") == []


def test_search_never_shows_another_users_turns(history, client_for, make_user):
    user, ids = history
    other = make_user("bob")
    add(other, "bob's own note about error E1107-KX")
    hits = search(client_for(other), q="E1107-KX", k=50)
    assert [hit["user"] for hit in hits] == [other.pk]
    hits = search(client_for(user), q="bob", k=50)
    assert all(hit["user"] == user.pk for hit in hits)


def test_deleted_turns_leave_the_results(history, client_for):
    user, ids = history
    client = client_for(user)
    client.delete(f"/prompts/{ids[TOPICS[1]]}/")
    assert ids[TOPICS[1]] not in [hit["id"] for hit in search(client, q="E1107-KX", mode="keyword")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, 'query parameter "q" is required'),
        ({"q": "  "}, 'query parameter "q" is required'),
        ({"q": "x", "mode": "fuzzy"}, "mode:"),
        ({"q": "x", "k": "0"}, "k:"),
        ({"q": "x", "k": "51"}, "k:"),
        ({"q": "x", "since": "yesterday"}, "since: give an ISO 8601 date"),
        ({"q": "x", "since": "2026-02-01", "until": "2026-01-01"}, "since: must not be after until"),
        ({"q": "x", "status": "lost"}, "status:"),
        ({"q": "x" * 2001}, 'query parameter "q" must be at most'),
    ],
)
def test_bad_input_is_a_clear_400(history, client_for, params, message):
    user, _ids = history
    response = client_for(user).get("/search/", params)
    assert response.status_code == 400
    assert message in str(response.json())


def test_search_needs_a_token(client):
    assert client.get("/search/", {"q": "x"}).status_code == 401


def imported(user, pairs: list[tuple[str, str]]) -> list[int]:
    from prompt_forge.ai.registry import get_embedder
    from prompt_forge.prompts.importing import ImportRecord, import_batch
    from prompt_forge.prompts.models import Prompt

    records = [
        ImportRecord(line=n, text=t, response=r, created_at=None, model_used="m") for n, (t, r) in enumerate(pairs)
    ]
    import_batch(user_id=user.pk, records=records, embedder=get_embedder(), source="test")
    return list(Prompt.objects.filter(user=user).order_by("pk").values_list("pk", flat=True))


def test_an_answer_is_found_by_meaning_too(make_user, client_for):
    user = make_user()
    ids = imported(
        user,
        [
            ("what should I get for my commute", "a small car is the best choice"),
            ("what should I cook tonight", "a mushroom risotto with parmesan"),
            ("what should I read next", "a long novel about the sea"),
        ],
    )
    client = client_for(user)
    # "automobile" is in no text: the answer's vector finds it (the fake embedder knows the synonym).
    assert search(client, q="automobile", mode="keyword") == []
    hit = search(client, q="automobile", mode="semantic")[0]
    assert hit["id"] == ids[0]
    assert hit["matched"] == ["answer"]
    hit = search(client, q="automobile")[0]
    assert hit["id"] == ids[0]


def test_a_filter_keeping_one_percent_still_returns_k_hits(make_user, client_for):
    user = make_user()
    pairs = [(f"note {n} about gardening and tomatoes", f"reply {n}") for n in range(1000)]
    imported(user, pairs)
    from prompt_forge.prompts.models import PromptMetadata

    rare = PromptMetadata.objects.filter(prompt__user=user).order_by("prompt_id")[::100]
    PromptMetadata.objects.filter(pk__in=[row.pk for row in rare]).update(model_used="rare-model")
    client = client_for(user)
    for mode in ("semantic", "hybrid", "keyword"):
        hits = search(client, q="gardening tomatoes", mode=mode, model="rare-model", k=10)
        assert len(hits) == 10, mode
        assert {hit["metadata"]["model_used"] for hit in hits} == {"rare-model"}


def test_failed_turns_are_found_by_their_words_and_the_status_filter(make_user, client_for):
    from tests.fakes import FakeGenerator

    user = make_user()
    client = client_for(user)
    answered = add(user, "sourdough starter feeding")
    FakeGenerator.fail_with = "model crashed"
    failed = client.post("/prompts/", {"prompt": "sourdough crumb too dense"}, format="json")
    FakeGenerator.fail_with = None
    assert failed.status_code >= 500
    failed_id = client.get("/prompts/").json()["results"][0]["id"]
    assert failed_id != answered
    hits = search(client, q="sourdough", mode="keyword")
    assert {hit["id"] for hit in hits} == {answered, failed_id}
    assert [hit["id"] for hit in search(client, q="sourdough", status="failed")] == [failed_id]
    assert [hit["id"] for hit in search(client, q="sourdough", status="completed")] == [answered]


def test_the_query_is_embedded_while_the_database_ranks_its_words(history, client_for, monkeypatch):
    import threading

    from prompt_forge.search import hybrid, keyword_index
    from tests.fakes import FakeEmbedder

    embedding_started = threading.Event()
    keywords_saw_embedding = []
    real_embed, real_keywords = FakeEmbedder.embed, keyword_index.search

    def embed(self, texts):
        embedding_started.set()
        return real_embed(self, texts)

    def keywords(**kwargs):
        keywords_saw_embedding.append(embedding_started.wait(timeout=10))
        return real_keywords(**kwargs)

    monkeypatch.setattr(FakeEmbedder, "embed", embed)
    monkeypatch.setattr(hybrid.keyword_index, "search", keywords)
    user, ids = history
    hits = search(client_for(user), q="error E1107-KX", mode="hybrid")
    assert keywords_saw_embedding == [True]  # one did not wait for the other
    assert hits[0]["id"] == ids[TOPICS[1]]
