"""The /conversations/ REST API, as a client uses it (in-process, fake models)."""

import pytest

from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


def new_conversation(client, **body) -> int:
    response = client.post("/conversations/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def say(client, conversation: int, text: str, **body) -> dict:
    response = client.post(f"/conversations/{conversation}/turns/", {"prompt": text, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_second_turn_sees_the_first_and_get_shows_both_in_order(alice):
    cid = new_conversation(alice)
    first = say(alice, cid, "Hi, my name is Zorblax.")
    second = say(alice, cid, "What is my name?")
    # The model read the first exchange before the new question.
    assert FakeGenerator.last_prompt == [
        {"role": "user", "content": "Hi, my name is Zorblax."},
        {"role": "assistant", "content": first["response"]},
        {"role": "user", "content": "What is my name?"},
    ]
    assert second["parent"] == first["id"] and second["conversation"] == cid
    assert second["metadata"]["extra_info"]["context"] == {"earlier_turns": 1, "dropped_turns": 0}
    body = alice.get(f"/conversations/{cid}/").json()
    assert [turn["text"] for turn in body["turns"]] == ["Hi, my name is Zorblax.", "What is my name?"]
    assert [turn["parent"] for turn in body["turns"]] == [None, first["id"]]
    assert body["turns"][0]["embedding"] == {"model_name": "fake-embedder"}  # no vector
    assert body["title"] == "Hi, my name is Zorblax."
    assert body["turn_count"] == 2


def test_system_prompt_comes_first(alice):
    cid = new_conversation(alice, system="Answer like a pirate.", title="Pirates")
    say(alice, cid, "Hello")
    assert FakeGenerator.last_prompt[0] == {"role": "system", "content": "Answer like a pirate."}
    assert alice.get(f"/conversations/{cid}").json()["title"] == "Pirates"


def test_regenerate_and_edit_add_siblings_and_active_turn_switches_path(alice):
    cid = new_conversation(alice)
    first = say(alice, cid, "one")
    second = say(alice, cid, "two")
    again = alice.post(f"/conversations/{cid}/turns/{second['id']}/regenerate/", {}, format="json")
    assert again.status_code == 201, again.content
    regenerated = again.json()
    assert regenerated["parent"] == first["id"] and regenerated["text"] == "two"
    edited = say(alice, cid, "two, edited", parent=first["id"])
    turns = alice.get(f"/conversations/{cid}/").json()["turns"]
    assert [turn["id"] for turn in turns] == [first["id"], edited["id"]]  # GET follows the newest (active)
    assert turns[1]["siblings"] == [second["id"], regenerated["id"], edited["id"]]
    assert turns[0]["siblings"] == [first["id"]]
    switched = alice.patch(f"/conversations/{cid}/", {"active_turn": second["id"]}, format="json")
    assert switched.status_code == 200
    assert [turn["id"] for turn in switched.json()["turns"]] == [first["id"], second["id"]]
    # Continuing now goes on from the switched-to turn.
    third = say(alice, cid, "three")
    assert third["parent"] == second["id"]
    # Editing the first prompt: a new first turn (parent null), sibling of the first.
    root = say(alice, cid, "one, edited", parent=None)
    assert root["parent"] is None
    turns = alice.get(f"/conversations/{cid}").json()["turns"]
    assert [turn["id"] for turn in turns] == [root["id"]]
    assert turns[0]["siblings"] == [first["id"], root["id"]]


def test_selecting_a_middle_sibling_continues_down_its_newest_branch(alice):
    cid = new_conversation(alice)
    first = say(alice, cid, "one")
    second = say(alice, cid, "two")
    other = say(alice, cid, "one again", parent=None)
    body = alice.patch(f"/conversations/{cid}/", {"active_turn": first["id"]}, format="json").json()
    assert [turn["id"] for turn in body["turns"]] == [first["id"], second["id"]]
    assert body["turns"][0]["siblings"] == [first["id"], other["id"]]


def test_list_pinned_first_then_recent_with_counts_and_archive(alice):
    a = new_conversation(alice, title="a")
    b = new_conversation(alice, title="b")
    c = new_conversation(alice, title="c")
    say(alice, a, "hello")  # a is now the most recently updated
    alice.patch(f"/conversations/{c}/", {"pinned": True}, format="json")
    alice.patch(f"/conversations/{b}/", {"archived": True}, format="json")
    body = alice.get("/conversations/").json()
    assert body["count"] == 2
    assert [(item["id"], item["pinned"]) for item in body["results"]] == [(c, True), (a, False)]
    assert {item["id"]: item["turn_count"] for item in body["results"]} == {c: 0, a: 1}
    assert set(body["results"][0]) >= {"id", "title", "updated_at", "turn_count", "pinned", "archived"}
    archived = alice.get("/conversations?archived=true").json()
    assert [item["id"] for item in archived["results"]] == [b]
    assert alice.get("/conversations/?archived=all").json()["count"] == 3
    assert alice.get("/conversations/?limit=1&offset=1").json()["results"][0]["id"] == a


def test_rename_is_kept(alice):
    cid = new_conversation(alice)
    say(alice, cid, "a first prompt about rivers")
    body = alice.patch(f"/conversations/{cid}/", {"title": "Rivers", "system": "Be brief."}, format="json").json()
    assert body["title"] == "Rivers" and body["system"] == "Be brief."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": 5}, "title must be a string"),
        ({"pinned": "yes"}, "pinned must be true or false"),
        ({"active_turn": "x"}, "active_turn must be a turn id"),
        ({"colour": "red"}, "unknown field: colour"),
        ({"title": "x" * 201}, "title must be at most 200 characters"),
    ],
)
def test_bad_patch_is_400(alice, body, message):
    cid = new_conversation(alice)
    response = alice.patch(f"/conversations/{cid}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_bad_turn_requests(alice):
    cid = new_conversation(alice)
    assert alice.post(f"/conversations/{cid}/turns/", {}, format="json").json() == {"error": "prompt is required"}
    response = alice.post(f"/conversations/{cid}/turns/", {"prompt": "x", "parent": 999999}, format="json")
    assert response.status_code == 404
    response = alice.post(f"/conversations/{cid}/turns/", {"prompt": "x", "parent": "1"}, format="json")
    assert response.status_code == 400 and response.json() == {"error": "parent must be an integer id"}
    response = alice.patch(f"/conversations/{cid}/", {"active_turn": 999999}, format="json")
    assert response.status_code == 400


def test_delete_removes_turns_from_search(alice):
    cid = new_conversation(alice)
    say(alice, cid, "purple elephants dancing")
    kept = alice.post("/prompts/", {"prompt": "purple elephants sleeping"}, format="json").json()
    assert len(alice.get("/prompts/similar/?q=purple+elephants").json()) == 2
    assert alice.delete(f"/conversations/{cid}/").status_code == 204
    hits = alice.get("/prompts/similar/?q=purple+elephants").json()
    assert [hit["id"] for hit in hits] == [kept["id"]]
    assert alice.get(f"/conversations/{cid}/").status_code == 404
    assert alice.delete(f"/conversations/{cid}").status_code == 404


def test_model_failure_keeps_the_turn_in_the_conversation(alice):
    cid = new_conversation(alice)
    FakeGenerator.fail_with = "boom"
    response = alice.post(f"/conversations/{cid}/turns/", {"prompt": "hello"}, format="json")
    assert response.status_code == 503
    turns = alice.get(f"/conversations/{cid}/").json()["turns"]
    assert [turn["id"] for turn in turns] == [response.json()["prompt_id"]]
    assert turns[0]["embedding"] is None


def test_unauthenticated_is_401():
    from rest_framework.test import APIClient

    assert APIClient().get("/conversations/").status_code == 401


def test_search_ranks_conversations_by_their_best_turn(alice, make_user, client_for):
    rivers = new_conversation(alice, title="Rivers")
    say(alice, rivers, "the longest river in Africa")
    say(alice, rivers, "rivers of Europe and their deltas")
    bread = new_conversation(alice, title="Bread")
    say(alice, bread, "baking sourdough bread with a river of flour")
    new_conversation(alice, title="Empty")
    bob = client_for(make_user("bob"))
    say(bob, new_conversation(bob, title="Bob's rivers"), "rivers of Europe and their deltas")
    results = alice.get("/conversations/?q=rivers+of+Europe+deltas").json()["results"]
    assert [item["id"] for item in results] == [rivers, bread]
    assert results[0]["score"] > results[1]["score"]
    assert results[0]["best_turn"] in {turn["id"] for turn in alice.get(f"/conversations/{rivers}/").json()["turns"]}
    assert alice.get("/conversations/?q=" + "x" * 1001).status_code == 400
    alice.patch(f"/conversations/{rivers}/", {"archived": True}, format="json")
    assert [item["id"] for item in alice.get("/conversations/?q=rivers+Europe").json()["results"]] == [bread]
