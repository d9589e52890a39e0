"""GENERATION_BACKEND=openai against a real upstream: the session's Prompt Forge server serving /v1.

The downstream server answers its users through the upstream over real HTTP, streaming included,
and every upstream call lands in the upstream account's history.
"""

import asyncio
import json
import uuid

import pytest
import websockets

from .conftest import ApiUser, LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def upstream_account(server_process):
    return ApiUser(server_process, f"upstream_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def downstream(tmp_path_factory, server_process, upstream_account):
    env = {
        "GENERATION_BACKEND": "openai",
        "OPENAI_BASE_URL": f"{server_process.url}/v1",
        "OPENAI_API_KEY": upstream_account.access,  # the upstream's JWT is its API key
        "OPENAI_TIMEOUT_SECONDS": "120",
    }
    server = LiveServer(data_dir=tmp_path_factory.mktemp("downstream"), env_overrides=env).start()
    yield server
    server.stop()


def upstream_history(account: ApiUser) -> list[dict]:
    return account.http.get("/prompts/", params={"limit": 100}).json()["results"]


def test_plain_generation_through_the_upstream(downstream, upstream_account):
    user = ApiUser(downstream, f"down_{uuid.uuid4().hex[:8]}")
    response = user.http.post("/prompts/", json={"prompt": "What is the capital of France?"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert "Paris" in body["response"]
    assert body["metadata"]["extra_info"]["generation"]["backend"] == "openai"
    assert body["embedding"]["model_name"] == "all-MiniLM-L6-v2"  # embedded locally
    upstream = upstream_history(upstream_account)
    assert any(p["response"] == body["response"] and p["text"] == body["text"] for p in upstream)


async def test_streaming_through_the_upstream(downstream, upstream_account):
    user = ApiUser(downstream, f"downstream_{uuid.uuid4().hex[:8]}")
    async with websockets.connect(f"{downstream.ws_url}/ws/prompts/?token={user.access}") as ws:
        json.loads(await asyncio.wait_for(ws.recv(), 30))
        await ws.send(json.dumps({"type": "prompt", "prompt": "Name a primary colour."}))
        messages = []
        while not messages or messages[-1]["type"] not in {"prompt.done", "prompt.failed", "error"}:
            messages.append(json.loads(await asyncio.wait_for(ws.recv(), 120)))
    done = messages[-1]
    assert done["type"] == "prompt.done", done
    deltas = [m["delta"] for m in messages if m["type"] == "prompt.delta"]
    assert len(deltas) >= 2 and "".join(deltas) == done["response"]
    stored = await asyncio.to_thread(user.http.get, f"/prompts/{done['id']}/")
    assert stored.json()["response"] == done["response"]
    upstream = await asyncio.to_thread(upstream_history, upstream_account)
    assert any(p["response"] == done["response"] and p["text"] == "Name a primary colour." for p in upstream)
