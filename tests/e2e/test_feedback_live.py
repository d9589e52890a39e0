"""A down-rated answer stops being a semantic cache hit (real server, real embedder and model)."""

import pytest

pytestmark = pytest.mark.e2e


def test_down_rated_answer_is_not_reused_for_a_near_identical_prompt(api_user):
    user = api_user("feedback")
    first = user.http.post("/prompts/", json={"prompt": "What is the capital of France?"}).json()
    again = user.http.post("/prompts/", json={"prompt": "What's the capital of France?", "use_cache": True}).json()
    cache = again["metadata"]["extra_info"]["cache"]
    assert cache["hit"] is True and cache["source_prompt_id"] == first["id"]

    rated = user.http.put(f"/prompts/{first['id']}/feedback/", json={"rating": -1, "comment": "too short"})
    assert rated.status_code == 200, rated.text
    after = user.http.post("/prompts/", json={"prompt": "what is the capital of France?", "use_cache": True}).json()
    cache = after["metadata"]["extra_info"]["cache"]
    assert cache["hit"] is False and cache["best_similarity"] >= cache["threshold"]  # close, yet not reused
    assert after["metadata"]["extra_info"]["completion_tokens"] > 0  # the model answered afresh
