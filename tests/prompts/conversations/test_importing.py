"""Import of ChatGPT and Open WebUI exports: order, branches, idempotence, bad records, search."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.prompts.conversations.exports import chatgpt_capitals, openwebui_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user, client_for):
    user = make_user("alice")
    return user, client_for(user)


def run_import(tmp_path, records, fmt="chatgpt", user="alice") -> tuple[str, str]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_conversations", str(path), "--user", user, "--format", fmt, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_chatgpt_export_with_branches_imports_in_order_and_is_searchable(tmp_path, alice):
    _, client = alice
    out, _ = run_import(tmp_path, [chatgpt_capitals()])
    assert "imported 1 conversations (4 turns)" in out
    (item,) = client.get("/conversations/").json()["results"]
    assert item["title"] == "European capitals" and item["turn_count"] == 4
    assert item["updated_at"].startswith("2023-11-14T22:13:26")
    body = client.get(f"/conversations/{item['id']}/").json()
    # The current node's path: the first exchange, then the edited second question.
    assert [(t["text"], t["response"]) for t in body["turns"]] == [
        ("What is the capital of France?", "Paris."),
        ("And the capital of Italy, with its famous colosseum?", "Rome."),
    ]
    first, second = body["turns"]
    assert first["metadata"]["model_used"] == "gpt-4o"
    assert first["created_at"].startswith("2023-11-14T22:13:20")
    assert len(first["siblings"]) == 2 and len(second["siblings"]) == 2  # the regenerated answer, the edit
    assert second["parent"] == first["id"]
    # The other branches are there: switch to the regenerated first answer.
    other = [sid for sid in first["siblings"] if sid != first["id"]][0]
    switched = client.patch(f"/conversations/{item['id']}/", {"active_turn": other}, format="json").json()
    assert [(t["text"], t["response"]) for t in switched["turns"]] == [
        ("What is the capital of France?", "Paris, of course.")
    ]
    germany = [sid for sid in second["siblings"] if sid != second["id"]][0]
    path = client.patch(f"/conversations/{item['id']}/", {"active_turn": germany}, format="json").json()["turns"]
    assert [t["response"] for t in path] == ["Paris.", "Berlin."]
    hits = client.get("/prompts/similar/?q=capital+of+Italy+colosseum").json()
    assert hits[0]["text"] == "And the capital of Italy, with its famous colosseum?"
    assert hits[0]["conversation"] == {"id": item["id"], "title": "European capitals"}


def test_reimport_adds_nothing_and_bad_records_are_reported_and_skipped(tmp_path, alice):
    _, client = alice
    records = [chatgpt_capitals(), {"title": "broken", "mapping": "nope"}, 42, chatgpt_capitals("second")]
    out, err = run_import(tmp_path, records)
    assert "imported 2 conversations" in out and "2 bad records skipped" in out
    assert "conversation 1 ('broken'): skipped: \"mapping\" must be a non-empty object" in err
    assert "conversation 2: skipped: not a JSON object" in err
    out, _ = run_import(tmp_path, records)
    assert "imported 0 conversations" in out and "2 already imported" in out
    assert client.get("/conversations/").json()["count"] == 2


def test_openwebui_export(tmp_path, alice):
    _, client = alice
    out, _ = run_import(tmp_path, [openwebui_chat()], fmt="openwebui")
    assert "imported 1 conversations (3 turns)" in out
    (item,) = client.get("/conversations/").json()["results"]
    body = client.get(f"/conversations/{item['id']}/").json()
    assert body["system"] == "You are a gardener." and body["title"] == "Garden plan"
    assert [(t["text"], t["response"]) for t in body["turns"]] == [
        ("Plan a garden with tomatoes", "Start with sunny beds."),
        ("Which varieties?", "Roma and cherry."),
    ]
    assert len(body["turns"][1]["siblings"]) == 2


def test_command_errors(tmp_path, alice):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run_import(tmp_path, [], user="nobody")
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_conversations", str(path), "--user", "alice", "--format", "chatgpt")


def test_upload_endpoint(alice, make_user, client_for, settings):
    _, client = alice
    upload = io.BytesIO(json.dumps([chatgpt_capitals()]).encode())
    upload.name = "conversations.json"
    response = client.post("/conversations/import?format=chatgpt", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json() == {"imported": 1, "already_imported": 0, "turns": 4, "bad": []}
    # Another user's import is theirs alone.
    bob = client_for(make_user("bob"))
    assert bob.get("/conversations/").json()["count"] == 0
    bad = io.BytesIO(b"[1]")
    bad.name = "x.json"
    response = bob.post("/conversations/import/?format=chatgpt", {"file": bad}, format="multipart")
    assert response.json()["bad"] == [{"index": 0, "title": None, "error": "not a JSON object"}]
    assert bob.post("/conversations/import?format=claude", {}, format="multipart").status_code == 400
    assert bob.post("/conversations/import?format=chatgpt", {}, format="multipart").json() == {
        "error": 'upload the export as the multipart field "file"'
    }
    settings.CONVERSATION_IMPORT_MAX_BYTES = 10
    big = io.BytesIO(b"[" + b" " * 100 + b"]")
    big.name = "big.json"
    assert bob.post("/conversations/import?format=chatgpt", {"file": big}, format="multipart").status_code == 413


def test_upload_larger_than_the_general_body_limit_is_accepted(alice, settings):
    _, client = alice
    records = [chatgpt_capitals(f"conversation-{n}") for n in range(60)]
    raw = json.dumps(records).encode()
    assert len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # MAX_REQUEST_BYTES applies elsewhere
    upload = io.BytesIO(raw)
    upload.name = "conversations.json"
    response = client.post("/conversations/import?format=chatgpt", {"file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["imported"] == 60
