"""Two models as an operator configures them: the local OpenVINO engine (the bundled model) and an
OpenAI-compatible upstream (a fake server on a real socket). Both listed and routable by name; the
upstream answering 500 falls back to the local engine, and the stored metadata says so."""

import json
import uuid

import pytest

from tests.fakes import FakeUpstream

from .conftest import ApiUser, LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def upstream():
    with FakeUpstream() as server:
        yield server


@pytest.fixture(scope="module")
def two_models(tmp_path_factory, upstream):
    models = [
        {"name": "local", "backend": "openvino", "model": "HuggingFaceTB/SmolLM2-135M-Instruct"},
        {"name": "remote", "backend": "openai", "model": "llama3.2", "base_url": upstream.base_url,
         "fallbacks": ["local"], "timeout_s": 10},
    ]  # fmt: skip
    env = {"MODELS": json.dumps(models), "EMBEDDING_BACKEND": "tests.fakes.FakeEmbedder"}
    server = LiveServer(data_dir=tmp_path_factory.mktemp("two-models"), env_overrides=env).start()
    yield server
    server.stop()


def test_both_models_answer_by_name_and_a_failing_upstream_falls_back(two_models, upstream):
    user = ApiUser(two_models, f"models_{uuid.uuid4().hex[:8]}")
    assert [m["id"] for m in user.http.get("/v1/models").json()["data"]] == ["local", "remote"]
    question = "What is the capital of France?"

    remote = user.http.post("/prompts/", json={"prompt": question, "model": "remote"}).json()
    assert remote["response"] == f"Remote says: {question}"
    local = user.http.post("/prompts/", json={"prompt": question, "model": "local"}).json()
    assert "Paris" in local["response"]
    assert local["metadata"]["extra_info"]["model"] == "local"

    upstream.status = 500
    fallback = user.http.post("/prompts/", json={"prompt": question, "model": "remote"})
    assert fallback.status_code == 201 and "Paris" in fallback.json()["response"]
    info = fallback.json()["metadata"]["extra_info"]
    assert info["model"] == "local" and info["routing"]["requested"] == "remote"
    assert info["routing"]["skipped"][0]["model"] == "remote"
    assert "answered HTTP 500" in info["routing"]["skipped"][0]["reason"]
    chat = {"model": "remote", "messages": [{"role": "user", "content": question}]}
    assert "Paris" in user.http.post("/v1/chat/completions", json=chat).json()["choices"][0]["message"]["content"]
