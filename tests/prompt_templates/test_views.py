"""The /templates/ API and running a template, as a new user would (in-process, fake models)."""

import pytest

from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db

SUMMARY = "Summarize {{text}} for {{audience}}"
VARIABLES = {"text": "the quarterly report", "audience": "children"}


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


@pytest.fixture
def bob(make_user, client_for):
    return client_for(make_user("bob"))


def create(client, name="summary", content=SUMMARY, **body):
    response = client.post("/templates/", {"name": name, "content": content, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def run(client, **body):
    response = client.post("/prompts/", {"template": "summary", "variables": VARIABLES, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_whole_workflow_of_a_new_user(alice):
    created = create(alice)
    assert created["latest_version"] == 1 and created["labels"] == {}
    assert created["versions"][0]["variables"] == ["audience", "text"]
    first = run(alice, version=1)
    assert first["text"] == "Summarize the quarterly report for children"
    assert first["metadata"]["extra_info"]["template"] == {"name": "summary", "version": 1, "variables": VARIABLES}

    v2 = alice.post("/templates/summary/versions/", {"content": "In three bullets, " + SUMMARY}, format="json")
    assert v2.status_code == 201 and v2.json()["version"] == 2
    label = alice.put("/templates/summary/labels/production/", {"version": 2}, format="json")
    assert label.json() == {"template": "summary", "label": "production", "version": 2}
    by_label = run(alice, label="production")
    assert by_label["text"].startswith("In three bullets, Summarize")
    assert by_label["metadata"]["extra_info"]["template"]["version"] == 2
    assert by_label["metadata"]["extra_info"]["template"]["label"] == "production"
    assert run(alice)["metadata"]["extra_info"]["template"]["version"] == 2  # no version or label: the latest

    diff = alice.get("/templates/summary/diff/", {"from": 1, "to": 2}).json()
    assert "-Summarize {{text}} for {{audience}}" in diff["diff"]
    assert "+In three bullets, Summarize {{text}} for {{audience}}" in diff["diff"]
    assert diff["from"] == 1 and diff["to"] == 2

    alice.put("/templates/summary/labels/production", {"version": 1}, format="json")  # the rollback
    assert run(alice, label="production")["metadata"]["extra_info"]["template"]["version"] == 1
    detail = alice.get("/templates/summary").json()
    assert detail["labels"] == {"production": 1} and [v["version"] for v in detail["versions"]] == [1, 2]
    assert alice.get("/templates/summary/versions/2/").json()["content"].startswith("In three bullets")
    assert alice.get("/templates/").json()["results"][0]["latest_version"] == 2


def test_missing_variable_is_a_400_naming_it(alice):
    create(alice)
    response = alice.post("/prompts/", {"template": "summary", "variables": {"text": "x"}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": "missing template variable: audience"}


def test_unsafe_content_is_refused_when_written(alice):
    response = alice.post("/templates/", {"name": "evil", "content": "{{ ''.__class__ }}"}, format="json")
    assert response.status_code == 400 and "not allowed" in response.json()["error"]
    response = alice.post("/templates/", {"name": "evil", "content": "{{ x|attr('__class__') }}"}, format="json")
    assert response.status_code == 400


def test_system_prompt_and_default_params_apply_to_a_run(alice):
    create(alice, system="You are terse.", params={"max_new_tokens": 5, "temperature": 0.5})
    run(alice)
    assert FakeGenerator.last_prompt[0] == {"role": "system", "content": "You are terse."}
    assert FakeGenerator.last_params.max_new_tokens == 5 and FakeGenerator.last_params.temperature == 0.5
    run(alice, temperature=0)  # the request's own value wins
    assert FakeGenerator.last_params.temperature == 0 and FakeGenerator.last_params.max_new_tokens == 5


def test_bad_template_bodies_are_400(alice):
    create(alice)
    cases = [
        ("/templates/", {"name": "bad name!", "content": "x"}),
        ("/templates/", {"name": "ok", "content": ""}),
        ("/templates/", {"name": "ok", "content": "{{"}),
        ("/templates/", {"name": "ok", "content": "x", "params": {"temperature": 9}}),
        ("/templates/", {"name": "ok", "content": "x", "params": {"bogus": 1}}),
        ("/templates/summary/versions/", {"content": "x", "extra": 1}),
    ]
    for path, body in cases:
        response = alice.post(path, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]
    assert alice.post("/templates/", {"name": "summary", "content": "again"}, format="json").status_code == 409
    assert alice.put("/templates/summary/labels/Prod!/", {"version": 1}, format="json").status_code == 400
    assert alice.put("/templates/summary/labels/prod/", {"version": 7}, format="json").status_code == 404
    assert alice.get("/templates/summary/diff/", {"from": 1}).status_code == 400
    both = {"template": "summary", "prompt": "x", "variables": VARIABLES}
    assert alice.post("/prompts/", both, format="json").json() == {"error": "give either prompt or template, not both"}
    assert alice.post("/prompts/", {"prompt": "x", "variables": {}}, format="json").status_code == 400
    assert (
        alice.post(
            "/prompts/", {"template": "summary", "version": 9, "variables": VARIABLES}, format="json"
        ).status_code
        == 404
    )


def test_another_users_template_reads_as_missing(alice, bob):
    create(alice)
    assert bob.get("/templates/summary/").status_code == 404
    assert bob.get("/templates/").json()["count"] == 0
    response = bob.post("/prompts/", {"template": "summary", "variables": VARIABLES}, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "template not found"}
    assert bob.post("/templates/summary/versions/", {"content": "x"}, format="json").status_code == 404
    assert bob.put("/templates/summary/labels/production/", {"version": 1}, format="json").status_code == 404
    assert bob.delete("/templates/summary/").status_code == 404
    create(bob)  # the same name is free for bob
    assert alice.get("/templates/summary/").json()["latest_version"] == 1


def test_a_conversation_turn_runs_a_template(alice):
    create(alice, system="Be kind.")
    cid = alice.post("/conversations/", {}, format="json").json()["id"]
    response = alice.post(
        f"/conversations/{cid}/turns/", {"template": "summary", "variables": VARIABLES}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["metadata"]["extra_info"]["template"]["version"] == 1
    assert FakeGenerator.last_prompt[0] == {"role": "system", "content": "Be kind."}
    follow = alice.post(
        "/prompts/", {"template": "summary", "variables": VARIABLES, "conversation": cid}, format="json"
    )
    assert follow.status_code == 201 and follow.json()["parent"] == response.json()["id"]


def test_delete_label_and_template(alice):
    create(alice)
    alice.put("/templates/summary/labels/production/", {"version": 1}, format="json")
    assert alice.delete("/templates/summary/labels/production/").status_code == 204
    assert alice.delete("/templates/summary/labels/production/").status_code == 404
    assert alice.delete("/templates/summary").status_code == 204
    assert alice.get("/templates/summary").status_code == 404


def test_prompt_and_conversation_lists_filter_by_template(alice):
    create(alice)
    create(alice, name="other", content="Other {{text}}")
    ran = run(alice)
    alice.post("/prompts/", {"template": "other", "variables": {"text": "x"}}, format="json")
    alice.post("/prompts/", {"prompt": "plain"}, format="json")
    prompts = alice.get("/prompts/", {"template": "summary"}).json()
    assert [item["id"] for item in prompts["results"]] == [ran["id"]] and prompts["count"] == 1
    conversations = alice.get("/conversations/", {"template": "summary"}).json()
    assert [item["id"] for item in conversations["results"]] == [ran["conversation"]]
    assert alice.get("/conversations/", {"template": "none"}).json()["count"] == 0
    assert alice.get("/prompts/").json()["count"] == 3


def test_search_filters_by_template(alice):
    create(alice)
    ran = run(alice)
    alice.post("/prompts/", {"prompt": "Summarize the quarterly report for children"}, format="json")
    hits = alice.get("/search/", {"q": "quarterly report", "template": "summary"}).json()
    assert [hit["id"] for hit in hits] == [ran["id"]]
