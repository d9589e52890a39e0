"""Export of one conversation (Markdown, JSON with its whole tree) and of all of them (streamed JSON)."""

import json

import pytest
from asgiref.sync import async_to_sync

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    """A streamed response's body (the export streams from an async iterator, as under ASGI)."""

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(collect)()


@pytest.fixture
def alice(make_user, client_for):
    return client_for(make_user("alice"))


def conversation_with_branch(client) -> tuple[int, list[dict]]:
    cid = client.post("/conversations/", {"title": "Rivers", "system": "Be brief."}, format="json").json()["id"]
    first = client.post(f"/conversations/{cid}/turns/", {"prompt": "Longest river?"}, format="json").json()
    second = client.post(f"/conversations/{cid}/turns/", {"prompt": "In Europe?"}, format="json").json()
    again = client.post(f"/conversations/{cid}/turns/{second['id']}/regenerate/", {}, format="json").json()
    return cid, [first, second, again]


def test_markdown_export_is_the_active_path(alice):
    cid, (first, _, again) = conversation_with_branch(alice)
    response = alice.get(f"/conversations/{cid}/export?format=markdown")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"] == f'attachment; filename="conversation-{cid}.md"'
    text = response.content.decode()
    assert text.startswith("# Rivers\n") and "Be brief." in text
    assert text.index("Longest river?") < text.index(first["response"]) < text.index("In Europe?")


def test_json_export_holds_the_whole_tree(alice):
    cid, (first, second, again) = conversation_with_branch(alice)
    body = json.loads(alice.get(f"/conversations/{cid}/export/?format=json").content)
    assert body["title"] == "Rivers" and body["system"] == "Be brief."
    assert [(t["id"], t["parent"]) for t in body["turns"]] == [
        (first["id"], None),
        (second["id"], first["id"]),
        (again["id"], first["id"]),
    ]
    assert body["active_turn"] == again["id"]
    assert json.loads(alice.get(f"/conversations/{cid}/export").content)["id"] == cid  # json by default


def test_all_conversations_stream_as_one_json_array(alice, make_user, client_for):
    conversation_with_branch(alice)
    alice.post("/prompts/", {"prompt": "a single question"}, format="json")
    client_for(make_user("bob")).post("/prompts/", {"prompt": "bob's secret"}, format="json")
    response = alice.get("/conversations/export")
    assert response.status_code == 200 and response.streaming
    body = json.loads(content(response))
    assert [item["title"] for item in body] == ["Rivers", "a single question"]
    assert "bob's secret" not in json.dumps(body)


def test_export_errors_and_isolation(alice, make_user, client_for):
    cid, _ = conversation_with_branch(alice)
    assert alice.get(f"/conversations/{cid}/export?format=pdf").json() == {"error": "format must be markdown or json"}
    bob = client_for(make_user("bob"))
    for path in (f"/conversations/{cid}/export", f"/conversations/{cid}/export?format=markdown"):
        response = bob.get(path)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert content(bob.get("/conversations/export")) == b"[]\n"
