"""Every conversation route gives another user's conversation to no one: a 404, exactly like a missing id."""

import pytest

from prompt_forge.prompts.models import Conversation, Prompt

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


@pytest.fixture
def alices_conversation(make_user, client_for):
    alice = client_for(make_user("alice"))
    cid = alice.post("/conversations/", {"title": "secret", "system": "alice's system"}, format="json").json()["id"]
    turn = alice.post(f"/conversations/{cid}/turns/", {"prompt": "alice's secret plan"}, format="json").json()
    return alice, cid, turn["id"]


def test_every_route_answers_404_for_another_users_conversation(alices_conversation, make_user, client_for):
    alice, cid, turn = alices_conversation
    bob = client_for(make_user("bob"))
    missing = cid + 1000
    for conversation in (cid, missing):
        calls = [
            bob.get(f"/conversations/{conversation}/"),
            bob.get(f"/conversations/{conversation}"),
            bob.patch(f"/conversations/{conversation}/", {"title": "mine now"}, format="json"),
            bob.delete(f"/conversations/{conversation}/"),
            bob.post(f"/conversations/{conversation}/turns/", {"prompt": "hi"}, format="json"),
            bob.post(f"/conversations/{conversation}/turns/{turn}/regenerate/", {}, format="json"),
            bob.get(f"/conversations/{conversation}/export?format=markdown"),
            bob.get(f"/conversations/{conversation}/export"),
        ]
        for response in calls:
            assert response.status_code == 404, (response.request["PATH_INFO"], response.content)
            assert response.json() == NOT_FOUND
    # POST /prompts/ naming her conversation or her turn: 404 too, and nothing stored for bob.
    for body in ({"conversation": cid}, {"parent": turn}, {"conversation": cid, "parent": turn}):
        response = bob.post("/prompts/", {"prompt": "What was the plan?", **body}, format="json")
        assert response.status_code == 404, response.content
    assert not Prompt.objects.filter(user__username="bob").exists()
    # Alice's conversation is untouched.
    body = alice.get(f"/conversations/{cid}/").json()
    assert body["title"] == "secret" and [t["id"] for t in body["turns"]] == [turn]
    assert Conversation.objects.filter(user__username="bob").count() == 0


def test_bob_cannot_attach_to_alices_turn_in_his_own_conversation(alices_conversation, make_user, client_for):
    _, _, turn = alices_conversation
    bob = client_for(make_user("bob"))
    own = bob.post("/conversations/", {}, format="json").json()["id"]
    response = bob.post(f"/conversations/{own}/turns/", {"prompt": "x", "parent": turn}, format="json")
    assert response.status_code == 404
    response = bob.patch(f"/conversations/{own}/", {"active_turn": turn}, format="json")
    assert response.status_code == 400 and response.json() == {
        "error": "active_turn must be a turn of this conversation"
    }


def test_lists_search_and_exports_show_only_ones_own(alices_conversation, make_user, client_for):
    bob = client_for(make_user("bob"))
    bob.post("/prompts/", {"prompt": "bob's own plan"}, format="json")
    listed = bob.get("/conversations/?archived=all").json()["results"]
    assert [item["title"] for item in listed] == ["bob's own plan"]
    found = bob.get("/conversations/?q=secret+plan").json()["results"]
    assert [item["title"] for item in found] == ["bob's own plan"]
    hits = bob.get("/prompts/similar/?q=secret+plan").json()
    assert [hit["text"] for hit in hits] == ["bob's own plan"]
    assert hits[0]["conversation"]["title"] == "bob's own plan"
