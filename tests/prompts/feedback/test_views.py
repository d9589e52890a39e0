"""Rating answers: PUT/DELETE /prompts/{id}/feedback/, the cache skipping down-rated answers, template stats."""

import pytest

from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


@pytest.fixture
def bob(make_user, client_for):
    return client_for(make_user("bob"))


def ask(client, text: str, **body) -> dict:
    response = client.post("/prompts/", {"prompt": text, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_rate_change_and_take_back(alice):
    prompt = ask(alice, "Name a big city")
    assert prompt["feedback"] is None
    response = alice.put(f"/prompts/{prompt['id']}/feedback/", {"rating": 1, "comment": "spot on"}, format="json")
    assert response.status_code == 200 and response.json()["rating"] == 1
    assert alice.get(f"/prompts/{prompt['id']}/").json()["feedback"]["comment"] == "spot on"
    alice.put(f"/prompts/{prompt['id']}/feedback", {"rating": -1}, format="json")
    assert alice.get("/prompts/").json()["results"][0]["feedback"]["rating"] == -1
    thread = alice.get(f"/conversations/{prompt['conversation']}/").json()
    assert thread["turns"][0]["feedback"]["rating"] == -1
    assert alice.delete(f"/prompts/{prompt['id']}/feedback/").status_code == 204
    assert alice.delete(f"/prompts/{prompt['id']}/feedback/").status_code == 404
    assert alice.get(f"/prompts/{prompt['id']}/").json()["feedback"] is None


@pytest.mark.parametrize(
    "body",
    [{}, {"rating": 0}, {"rating": 2}, {"rating": True}, {"rating": 1.0}, {"rating": "1"}, {"rating": 1, "x": 1}],
)
def test_bad_feedback_is_400(alice, body):
    prompt = ask(alice, "hello")
    response = alice.put(f"/prompts/{prompt['id']}/feedback/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]


def test_another_users_answer_cannot_be_rated(alice, bob):
    prompt = ask(alice, "secret")
    assert bob.put(f"/prompts/{prompt['id']}/feedback/", {"rating": -1}, format="json").status_code == 404
    alice.put(f"/prompts/{prompt['id']}/feedback/", {"rating": 1}, format="json")
    assert bob.delete(f"/prompts/{prompt['id']}/feedback/").status_code == 404
    assert alice.get(f"/prompts/{prompt['id']}/").json()["feedback"]["rating"] == 1


def test_a_down_rated_answer_is_no_longer_a_cache_hit(alice, settings):
    settings.SEMANTIC_CACHE_THRESHOLD = 0.9
    first = ask(alice, "What is the largest city")
    hit = ask(alice, "What is the biggest town", use_cache=True)
    assert hit["metadata"]["extra_info"]["cache"]["source_prompt_id"] == first["id"]
    alice.put(f"/prompts/{first['id']}/feedback/", {"rating": -1}, format="json")
    # Neither the rated answer nor its copy served by the earlier hit is reused.
    miss = ask(alice, "What is the large city", use_cache=True)
    assert miss["metadata"]["extra_info"]["cache"]["hit"] is False
    assert miss["response"] != first["response"]
    alice.delete(f"/prompts/{first['id']}/feedback/")
    assert ask(alice, "What is the huge city", use_cache=True)["metadata"]["extra_info"]["cache"]["hit"] is True


def test_template_stats_per_version_and_model(alice, bob):
    alice.post("/templates/", {"name": "t", "content": "Tell me about {{x}}"}, format="json")
    runs = [alice.post("/prompts/", {"template": "t", "variables": {"x": w}}, format="json").json() for w in "ab"]
    alice.post("/templates/t/versions/", {"content": "Explain {{x}}"}, format="json")
    third = alice.post("/prompts/", {"template": "t", "variables": {"x": "c"}}, format="json").json()
    alice.put(f"/prompts/{runs[0]['id']}/feedback/", {"rating": 1}, format="json")
    alice.put(f"/prompts/{runs[1]['id']}/feedback/", {"rating": -1}, format="json")
    alice.put(f"/prompts/{third['id']}/feedback/", {"rating": 1}, format="json")
    body = alice.get("/templates/t/stats/").json()
    assert body["template"] == "t"
    v1, v2 = body["stats"]
    assert (v1["version"], v1["model"], v1["count"], v1["up"], v1["down"]) == (1, FakeGenerator.model_name, 2, 1, 1)
    assert (v2["version"], v2["count"], v2["up"], v2["down"]) == (2, 1, 1, 0)
    assert v1["mean_completion_tokens"] > 0 and v1["mean_latency_ms"] is not None
    assert bob.get("/templates/t/stats/").status_code == 404
