"""Turns created elsewhere: a deleted turn's followers, and bulk-imported prompts."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_deleting_a_middle_turn_keeps_the_thread_whole(make_user, client_for):
    client = client_for(make_user())
    cid = client.post("/conversations/", {}, format="json").json()["id"]
    ids = [
        client.post(f"/conversations/{cid}/turns/", {"prompt": text}, format="json").json()["id"]
        for text in ("one", "two", "three")
    ]
    assert client.delete(f"/prompts/{ids[1]}/").status_code == 204
    turns = client.get(f"/conversations/{cid}/").json()["turns"]
    assert [(turn["id"], turn["parent"]) for turn in turns] == [(ids[0], None), (ids[2], ids[0])]


def test_imported_prompts_are_one_turn_conversations(make_user, client_for, tmp_path):
    user = make_user()
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps({"prompt": f"question {i}", "response": f"answer {i}"}) for i in range(3)))
    call_command("import_prompts", str(path), "--user", user.username, stdout=io.StringIO(), stderr=io.StringIO())
    client = client_for(user)
    conversations = client.get("/conversations/").json()
    assert conversations["count"] == 3 and {c["turn_count"] for c in conversations["results"]} == {1}
    prompts = client.get("/prompts/").json()["results"]
    assert {p["conversation"] for p in prompts} == {c["id"] for c in conversations["results"]}
