import pytest

from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)


def create(client, text: str, **extra):
    return client.post("/prompts/", {"prompt": text, **extra}, format="json")


@pytest.mark.parametrize("path", ["/prompts", "/prompts/"])
def test_create_returns_seed_shape(make_user, client_for, path):
    user = make_user()
    response = client_for(user).post(path, {"prompt": "What is the capital of France?"}, format="json")
    assert response.status_code == 201
    body = response.json()
    seed_fields = {"id", "user", "text", "response", "created_at", "metadata", "embedding"}
    # The seed's body, plus the turn's place (a new one-turn conversation of its own) and your rating.
    assert set(body) == seed_fields | {"conversation", "parent", "feedback"}
    assert isinstance(body["conversation"], int) and body["parent"] is None and body["feedback"] is None
    assert body["user"] == user.pk
    assert body["text"] == "What is the capital of France?"
    assert body["response"] == "Answer to: What is the capital of France?"
    assert body["metadata"]["model_used"] == "fake-generator"
    assert body["metadata"]["sent_via_websocket"] is False
    info = body["metadata"]["extra_info"]
    assert info["completion_tokens"] == 8 and "generation_ms" in info and "embedding_ms" in info
    assert body["embedding"]["model_name"] == "fake-embedder"
    assert len(body["embedding"]["vector"]) == 384
    assert all(isinstance(x, float) for x in body["embedding"]["vector"])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "prompt is required"),
        ({"prompt": ""}, "prompt is required"),
        ({"prompt": "   "}, "prompt is required"),
        ({"prompt": 42}, "prompt must be a string"),
        ({"prompt": "x" * 4001}, "prompt must be at most 4000 characters"),
        ({"prompt": "hi", "send_via_websocket": "yes"}, "send_via_websocket must be true or false"),
    ],
)
def test_create_rejects_bad_input(make_user, client_for, payload, message):
    response = client_for(make_user()).post("/prompts/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert Prompt.objects.count() == 0


def test_create_rejects_malformed_json(make_user, client_for):
    response = client_for(make_user()).post("/prompts/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_endpoints_require_authentication(client):
    for method, path in [
        ("get", "/prompts/"),
        ("post", "/prompts/"),
        ("get", "/prompts/similar/?q=x"),
        ("get", "/prompts/1/"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 401, path
        assert "detail" in response.json()


def test_model_failure_is_503_and_keeps_the_prompt(make_user, client_for):
    client = client_for(make_user())
    FakeGenerator.fail_with = "out of memory"
    response = create(client, "Keep me safe")
    assert response.status_code == 503
    body = response.json()
    assert body["error"].startswith("the language model is unavailable")
    assert response["Retry-After"]
    saved = Prompt.objects.get(pk=body["prompt_id"])
    assert saved.text == "Keep me safe" and saved.status == Prompt.Status.FAILED
    listed = client.get("/prompts/").json()["results"][0]
    assert listed["metadata"]["extra_info"] == {"status": "failed", "error": "out of memory"}
    assert listed["embedding"] is None


def test_list_is_own_prompts_newest_first_with_pagination(make_user, client_for):
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    for text in ["first", "second", "third"]:
        create(alice, text)
    create(bob, "bob's secret")
    page = alice.get("/prompts/?limit=2").json()
    assert page["count"] == 3
    assert [p["text"] for p in page["results"]] == ["third", "second"]
    assert page["next"] is not None
    rest = alice.get("/prompts?limit=2&offset=2").json()
    assert [p["text"] for p in rest["results"]] == ["first"]
    assert [p["text"] for p in bob.get("/prompts/").json()["results"]] == ["bob's secret"]


def test_retrieve_and_delete_only_own_prompts(make_user, client_for):
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    prompt_id = create(alice, "alice private note").json()["id"]
    assert alice.get(f"/prompts/{prompt_id}").json()["text"] == "alice private note"
    assert bob.get(f"/prompts/{prompt_id}/").status_code == 404
    assert bob.delete(f"/prompts/{prompt_id}/").status_code == 404
    assert Prompt.objects.filter(pk=prompt_id).exists()
    assert alice.delete(f"/prompts/{prompt_id}").status_code == 204
    assert alice.get(f"/prompts/{prompt_id}/").status_code == 404
    assert alice.delete(f"/prompts/{prompt_id}/").status_code == 404


def test_similar_returns_own_prompts_most_similar_first_with_scores(make_user, client_for):
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    for text in [
        "baking sourdough bread at home",
        "rules of chess openings",
        "photosynthesis in green plants",
    ]:
        create(alice, text)
    create(bob, "chess rules for bob only")
    results = alice.get("/prompts/similar/?q=chess rules").json()
    assert results[0]["text"] == "rules of chess openings"
    assert all(r["user"] == results[0]["user"] for r in results)
    assert "chess rules for bob only" not in [r["text"] for r in results]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert 0.5 < scores[0] <= 1.0001
    assert set(results[0]) == {
        "id",
        "user",
        "text",
        "response",
        "created_at",
        "metadata",
        "embedding",
        "score",
        "conversation",
        "parent",
        "feedback",
    }
    # A hit names its conversation, so the thread it belongs to can be opened.
    assert results[0]["conversation"] == {"id": results[0]["conversation"]["id"], "title": "rules of chess openings"}


def test_similar_limits_and_filters(make_user, client_for):
    client = client_for(make_user())
    for i in range(8):
        create(client, f"topic number {i} about gardens")
    assert len(client.get("/prompts/similar?q=gardens").json()) == 5
    assert len(client.get("/prompts/similar/?q=gardens&k=7").json()) == 7
    assert client.get("/prompts/similar/?q=gardens&min_score=0.99").json() == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", 'query parameter "q" is required'),
        ("?q=", 'query parameter "q" is required'),
        ("?q=%20%20", 'query parameter "q" is required'),
        ("?q=" + "a" * 1001, 'query parameter "q" must be at most 1000 characters'),
        ("?q=x&k=0", "k: Ensure this value is greater than or equal to 1."),
        ("?q=x&k=51", "k: Ensure this value is less than or equal to 50."),
        ("?q=x&k=abc", "k: A valid integer is required."),
        ("?q=x&min_score=2", "min_score: Ensure this value is less than or equal to 1.0."),
    ],
)
def test_similar_rejects_bad_parameters(make_user, client_for, query, message):
    response = client_for(make_user()).get(f"/prompts/similar/{query}")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_deleted_prompt_leaves_search_results(make_user, client_for):
    client = client_for(make_user())
    keep = create(client, "volcanoes erupt lava").json()["id"]
    gone = create(client, "volcanoes and magma chambers").json()["id"]
    client.delete(f"/prompts/{gone}/")
    ids = [r["id"] for r in client.get("/prompts/similar/?q=volcanoes").json()]
    assert ids == [keep]


def test_prompt_endpoints_are_throttled_per_user(make_user, client_for, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"burst": "2/minute", "sustained": "100/minute", "auth": "100/minute"},
    }
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    assert [create(alice, f"p{i}").status_code for i in range(3)] == [201, 201, 429]
    throttled = create(alice, "again")
    assert int(throttled["Retry-After"]) > 0
    assert "throttled" in throttled.json()["detail"]
    assert create(bob, "bob is not affected").status_code == 201
    # Reading one's own history is not blocked by the generation limits.
    assert alice.get("/prompts/").status_code == 200


@pytest.mark.parametrize("stream", [False, True])
def test_prompt_deleted_while_generating_is_409_not_database_unavailable(make_user, client_for, monkeypatch, stream):
    from tests.fakes import deleting_while_answering

    deleting_while_answering(monkeypatch)
    body = {"prompt": "delete me meanwhile", **({"stream": True, "send_via_websocket": True} if stream else {})}
    response = client_for(make_user()).post("/prompts/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "the prompt was deleted while it was being answered"}
    assert Prompt.objects.count() == 0


def test_a_prompt_over_the_token_budget_is_a_400_and_stores_nothing(make_user, client_for, settings):
    settings.GENERATION_MAX_PROMPT_TOKENS = 50
    client = client_for(make_user())
    response = client.post("/prompts/", {"prompt": "word " * 60}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": "the prompt takes 64 tokens (system prompt and conversation included); "
        "at most 50 are accepted (GENERATION_MAX_PROMPT_TOKENS)",
        "prompt_tokens": 64,
        "max_prompt_tokens": 50,
    }
    assert client.get("/prompts/").json()["count"] == 0
