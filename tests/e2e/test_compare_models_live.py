"""Comparison across two models on a real server: the bundled local model and an OpenAI-compatible
upstream (the fake one from tests/fakes.py, on a real socket); both answers come back together,
generated concurrently, and the template's stats count each model."""

import json
import uuid

import pytest

from tests.e2e.conftest import ApiUser, LiveServer
from tests.fakes import FakeUpstream

pytestmark = pytest.mark.e2e

LOCAL = "HuggingFaceTB/SmolLM2-135M-Instruct"


@pytest.fixture(scope="module")
def two_model_server(tmp_path_factory):
    with FakeUpstream() as upstream:
        models = [
            {"name": "local", "backend": "openvino", "model": LOCAL},
            {"name": "remote", "backend": "openai", "model": "llama3.2", "base_url": upstream.base_url},
        ]
        server = LiveServer(
            data_dir=tmp_path_factory.mktemp("compare-models"),
            env_overrides={"MODELS": json.dumps(models), "COMPARE_CONCURRENCY": "2"},
        ).start()
        yield server, upstream
        server.stop()


def test_compare_with_two_models_returns_both_and_the_stats_count_them(two_model_server):
    server, upstream = two_model_server
    user = ApiUser(server, f"compare_{uuid.uuid4().hex[:8]}")
    created = user.http.post("/templates/", json={"name": "capital", "content": "What is the capital of {{country}}?"})
    assert created.status_code == 201, created.text
    ran = user.http.post("/prompts/", json={"template": "capital", "variables": {"country": "France"}}).json()
    assert "Paris" in ran["response"]

    response = user.http.post(f"/prompts/{ran['id']}/compare/", json={"models": ["local", "remote"]})
    assert response.status_code == 201, response.text
    local, remote = response.json()["answers"]
    assert "Paris" in local["response"] and local["metadata"]["model_used"] == LOCAL
    assert remote["response"] == "Remote says: What is the capital of France?"
    assert remote["metadata"]["model_used"] == "llama3.2" and upstream.requests == 1
    assert local["parent"] == remote["parent"] == ran["parent"]

    stats = user.http.get("/templates/capital/stats/").json()["stats"]
    counts = {row["model"]: row["count"] for row in stats}
    assert counts == {LOCAL: 2, "llama3.2": 1}
    assert all(row["mean_latency_ms"] is not None for row in stats)
