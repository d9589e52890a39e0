"""A conversation with the real default model, over real HTTP, as a new user would try it with curl."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_model_remembers_a_name_across_turns(api_user):
    user = api_user("priya")
    created = user.http.post("/conversations/", json={})
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    first = user.http.post(f"/conversations/{cid}/turns/", json={"prompt": "My name is Priya."})
    assert first.status_code == 201, first.text
    second = user.http.post(f"/conversations/{cid}/turns/", json={"prompt": "What is my name?"})
    assert second.status_code == 201, second.text
    body = second.json()
    assert "Priya" in body["response"], body["response"]
    assert body["metadata"]["extra_info"]["context"] == {"earlier_turns": 1, "dropped_turns": 0}
    thread = user.http.get(f"/conversations/{cid}").json()
    assert [turn["text"] for turn in thread["turns"]] == ["My name is Priya.", "What is my name?"]
    # Without the conversation the model cannot know the name: the context is what made the difference.
    alone = user.http.post("/prompts/", json={"prompt": "What is my name?"}).json()
    assert "Priya" not in alone["response"]
