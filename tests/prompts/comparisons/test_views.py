"""POST /prompts/{id}/compare/: several template versions (or models) side by side, as sibling turns."""

import pytest

from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db

# In-process, answers are generated one at a time (the test database is one connection's in-memory
# SQLite); tests/e2e/test_compare_models_live.py runs them concurrently against a real server.

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


@pytest.fixture
def bob(make_user, client_for):
    return client_for(make_user("bob"))


@pytest.fixture
def template_run(alice):
    alice.post("/templates/", {"name": "t", "content": "Describe {{thing}}"}, format="json")
    alice.post("/templates/t/versions/", {"content": "Describe {{thing}} in one word"}, format="json")
    alice.post("/templates/t/versions/", {"content": "Describe {{thing}} as a poem", "system": "Rhyme."}, format="json")
    response = alice.post("/prompts/", {"template": "t", "version": 1, "variables": {"thing": "rain"}}, format="json")
    return response.json()


@pytest.fixture(autouse=True)
def one_at_a_time(settings):
    settings.COMPARE_CONCURRENCY = 1


def test_template_versions_side_by_side_as_siblings(alice, template_run):
    response = alice.post(f"/prompts/{template_run['id']}/compare/", {"template_versions": [2, 3]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["prompt"] == template_run["id"] and len(body["comparison"]) == 32
    texts = [answer["text"] for answer in body["answers"]]
    assert texts == ["Describe rain in one word", "Describe rain as a poem"]
    for answer, version in zip(body["answers"], (2, 3), strict=True):
        info = answer["metadata"]["extra_info"]
        assert info["template"]["version"] == version
        assert info["comparison"] == {"id": body["comparison"], "source": template_run["id"], "model": MODEL}
        assert answer["parent"] == template_run["parent"] and answer["conversation"] == template_run["conversation"]
        assert answer["response"] == f"Answer to: {answer['text']}"
    thread = alice.get(f"/conversations/{template_run['conversation']}/").json()
    assert thread["turns"][-1]["id"] == template_run["id"]  # the conversation still shows the compared turn
    assert sorted(thread["turns"][-1]["siblings"]) == sorted([template_run["id"], *(a["id"] for a in body["answers"])])
    stats = alice.get("/templates/t/stats/").json()["stats"]
    assert [(row["version"], row["count"]) for row in stats] == [(1, 1), (2, 1), (3, 1)]


def test_the_served_model_and_bad_requests(alice, template_run):
    plain = alice.post("/prompts/", {"prompt": "Hello there"}, format="json").json()
    same = alice.post(f"/prompts/{plain['id']}/compare/", {"models": [MODEL], "temperature": 0}, format="json")
    assert same.status_code == 201 and same.json()["answers"][0]["text"] == "Hello there"
    cases = [
        ({}, 400),
        ({"models": "x"}, 400),
        ({"models": ["no-such-model"]}, 400),
        ({"template_versions": [1, 2, 3, 4, 5]}, 400),
        ({"template_versions": [True]}, 400),
        ({"bogus": 1}, 400),
    ]
    for body, expected in cases:
        response = alice.post(f"/prompts/{template_run['id']}/compare/", body, format="json")
        assert response.status_code == expected, (body, response.content)
    not_template = alice.post(f"/prompts/{plain['id']}/compare/", {"template_versions": [1]}, format="json")
    assert not_template.status_code == 400 and "template" in not_template.json()["error"]
    missing = alice.post(f"/prompts/{template_run['id']}/compare/", {"template_versions": [9]}, format="json")
    assert missing.status_code == 404


def test_another_users_prompt_cannot_be_compared(alice, bob, template_run):
    response = bob.post(f"/prompts/{template_run['id']}/compare/", {"models": [MODEL]}, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert bob.get("/prompts/").json()["count"] == 0


def test_a_model_failure_reports_the_kept_prompt(alice, template_run):
    FakeGenerator.fail_with = "boom"
    response = alice.post(f"/prompts/{template_run['id']}/compare/", {"template_versions": [2]}, format="json")
    assert response.status_code == 503 and response.json()["prompt_id"]


def test_two_models_side_by_side_and_counted_in_the_stats(alice, settings):
    from tests.fakes import FakeUpstream

    with FakeUpstream() as upstream:
        settings.MODELS = [
            {"name": "local", "backend": "tests.fakes.FakeGenerator"},
            {"name": "remote", "backend": "openai", "model": "llama3.2", "base_url": upstream.base_url},
        ]
        alice.post("/templates/", {"name": "t", "content": "Describe {{thing}}"}, format="json")
        ran = alice.post("/prompts/", {"template": "t", "variables": {"thing": "snow"}}, format="json").json()
        response = alice.post(f"/prompts/{ran['id']}/compare/", {"models": ["local", "remote"]}, format="json")
        assert response.status_code == 201, response.content
        answers = response.json()["answers"]
        assert [a["response"] for a in answers] == ["Answer to: Describe snow", "Remote says: Describe snow"]
        assert [a["metadata"]["extra_info"]["comparison"]["model"] for a in answers] == ["local", "remote"]
        assert upstream.requests == 1
        stats = alice.get("/templates/t/stats/").json()["stats"]
        counts = {(row["version"], row["model"]): row["count"] for row in stats}
        assert counts == {(1, FakeGenerator.model_name): 2, (1, "llama3.2"): 1}
        unknown = alice.post(f"/prompts/{ran['id']}/compare/", {"models": ["gpt-4"]}, format="json")
        assert unknown.status_code == 400 and "local, remote" in unknown.json()["error"]
