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
