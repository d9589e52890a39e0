"""Templates as a new user tries them, against a real server and the real model: write, run v1, make
v2, label it production, run by label, see the diff, roll the label back; every turn names its version."""

import pytest

pytestmark = pytest.mark.e2e

VARIABLES = {"text": "the water cycle", "audience": "children"}


def test_a_new_users_template_workflow(api_user):
    user = api_user("templates")
    http = user.http
    created = http.post("/templates/", json={"name": "summary", "content": "Summarize {{text}} for {{audience}}"})
    assert created.status_code == 201, created.text
    first = http.post("/prompts/", json={"template": "summary", "version": 1, "variables": VARIABLES}).json()
    assert first["text"] == "Summarize the water cycle for children" and first["response"].strip()

    http.post("/templates/summary/versions/", json={"content": "In one sentence, summarize {{text}} for {{audience}}"})
    assert http.put("/templates/summary/labels/production/", json={"version": 2}).json()["version"] == 2
    second = http.post("/prompts/", json={"template": "summary", "label": "production", "variables": VARIABLES}).json()
    assert second["text"] == "In one sentence, summarize the water cycle for children"
    diff = http.get("/templates/summary/diff/", params={"from": 1, "to": 2}).json()["diff"]
    assert "-Summarize {{text}} for {{audience}}\n" in diff and "+In one sentence" in diff

    assert http.put("/templates/summary/labels/production/", json={"version": 1}).json()["version"] == 1  # rollback
    third = http.post("/prompts/", json={"template": "summary", "label": "production", "variables": VARIABLES}).json()
    versions = [turn["metadata"]["extra_info"]["template"]["version"] for turn in (first, second, third)]
    assert versions == [1, 2, 1]
    missing = http.post("/prompts/", json={"template": "summary", "variables": {"text": "x"}})
    assert missing.status_code == 400 and missing.json() == {"error": "missing template variable: audience"}
    listed = http.get("/prompts/", params={"template": "summary"}).json()
    assert listed["count"] == 3
