"""Tags on conversations: set, list with counts, rename, delete, filter; bounded; the owner's only."""

import pytest

from prompt_forge.prompts.conversations.models import TAG_NAME_MAX, TAGS_PER_CONVERSATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


def new_conversation(client, prompt: str) -> int:
    response = client.post("/prompts/", {"prompt": prompt}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["conversation"]


def tag(client, conversation: int, tags) -> dict:
    return client.patch(f"/conversations/{conversation}/", {"tags": tags}, format="json")


def test_tags_are_set_listed_with_counts_and_filter_the_list(alice):
    bread = new_conversation(alice, "sourdough starter care")
    pizza = new_conversation(alice, "pizza dough hydration")
    chess = new_conversation(alice, "chess openings")
    response = tag(alice, bread, ["baking", "  kitchen   notes ", "baking"])
    assert response.status_code == 200
    assert response.json()["tags"] == ["baking", "kitchen notes"]
    tag(alice, pizza, ["baking"])
    tag(alice, chess, ["games"])
    assert alice.get("/tags/").json() == [
        {"name": "baking", "count": 2},
        {"name": "games", "count": 1},
        {"name": "kitchen notes", "count": 1},
    ]
    listed = alice.get("/conversations/", {"tag": "baking"}).json()["results"]
    assert {row["id"] for row in listed} == {bread, pizza}
    assert all("baking" in row["tags"] for row in listed)
    # Replacing the tags drops a tag no conversation carries any more.
    tag(alice, bread, [])
    tag(alice, pizza, [])
    assert alice.get("/tags/").json() == [{"name": "games", "count": 1}]


def test_search_filters_by_tag(alice):
    bread = new_conversation(alice, "sourdough starter care")
    new_conversation(alice, "sourdough pizza base")
    tag(alice, bread, ["baking"])
    hits = alice.get("/search/", {"q": "sourdough", "tag": "baking"}).json()
    assert [hit["conversation"]["id"] for hit in hits] == [bread]


def test_rename_merges_and_delete_removes_a_tag_everywhere(alice):
    one = new_conversation(alice, "one")
    two = new_conversation(alice, "two")
    tag(alice, one, ["draft"])
    tag(alice, two, ["drafts", "work"])
    response = alice.patch("/tags/draft/", {"name": "drafts"}, format="json")
    assert response.json() == {"name": "drafts", "count": 2}
    assert alice.get(f"/conversations/{one}/").json()["tags"] == ["drafts"]
    response = alice.patch("/tags/work/", {"name": "job"}, format="json")
    assert response.json() == {"name": "job", "count": 1}
    assert alice.delete("/tags/drafts/").status_code == 204
    assert alice.get(f"/conversations/{two}/").json()["tags"] == ["job"]
    assert alice.delete("/tags/drafts/").status_code == 404
    assert alice.patch("/tags/nope/", {"name": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("baking", "tags must be a list of strings"),
        ([1], "a tag must be a string"),
        (["  "], "a tag must not be empty"),
        (["x" * (TAG_NAME_MAX + 1)], f"at most {TAG_NAME_MAX} characters"),
        (["a/b"], "must not contain '/'"),
        (["a\nb"], "control characters"),
        ([f"t{n}" for n in range(TAGS_PER_CONVERSATION + 1)], f"at most {TAGS_PER_CONVERSATION} tags"),
    ],
)
def test_bad_tags_are_a_clear_400(alice, tags, message):
    conversation = new_conversation(alice, "anything")
    response = tag(alice, conversation, tags)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_rename_needs_a_valid_name(alice):
    tag(alice, new_conversation(alice, "anything"), ["draft"])
    assert alice.patch("/tags/draft/", {"name": ""}, format="json").status_code == 400
    assert alice.patch("/tags/draft/", {"other": "x"}, format="json").status_code == 400


def test_tags_are_the_owners_only(alice, make_user, client_for):
    conversation = new_conversation(alice, "private plans")
    tag(alice, conversation, ["secret"])
    bob = client_for(make_user("bob"))
    assert bob.get("/tags/").json() == []
    assert tag(bob, conversation, ["mine"]).status_code == 404
    assert bob.patch("/tags/secret/", {"name": "stolen"}, format="json").status_code == 404
    assert bob.delete("/tags/secret/").status_code == 404
    assert bob.get("/conversations/", {"tag": "secret"}).json()["results"] == []
    assert bob.get("/search/", {"q": "private plans", "tag": "secret"}).json() == []
    assert alice.get("/tags/").json() == [{"name": "secret", "count": 1}]


def test_a_deleted_conversations_tags_count_no_more(alice):
    conversation = new_conversation(alice, "temporary")
    tag(alice, conversation, ["scratch"])
    assert alice.delete(f"/conversations/{conversation}/").status_code == 204
    assert alice.get("/tags/").json() == []
