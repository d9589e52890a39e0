"""End to end through a real uvicorn process, the real default models and real WebSocket clients."""

import asyncio
import json

import pytest
import websockets

pytestmark = pytest.mark.e2e


def test_seed_flow_with_real_models(api_user):
    user = api_user("e2e")
    refreshed = user.http.post("/api/token/refresh/", json={"refresh": user.refresh})
    assert refreshed.status_code == 200 and "access" in refreshed.json()

    response = user.http.post("/prompts/", json={"prompt": "What is the capital of France?"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert "Paris" in body["response"]
    assert "What is the capital of France?" not in body["response"]  # the answer only, no echo
    assert body["metadata"]["model_used"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert body["embedding"]["model_name"] == "all-MiniLM-L6-v2"
    vector = body["embedding"]["vector"]
    assert len(vector) == 384
    assert abs(sum(x * x for x in vector) - 1.0) < 1e-3  # normalised
    info = body["metadata"]["extra_info"]
    assert info["completion_tokens"] > 0 and info["generation_ms"] > 0


def test_paraphrase_finds_the_matching_prompt_first(api_user):
    user = api_user("search")
    topics = [
        "How do I bake sourdough bread?",
        "Explain how photosynthesis works in plants",
        "What are the rules of chess?",
    ]
    ids = {}
    for text in topics:
        response = user.http.post("/prompts", json={"prompt": text})
        assert response.status_code == 201, response.text
        ids[text] = response.json()["id"]
    results = user.http.get("/prompts/similar/", params={"q": "how do plants turn sunlight into energy"}).json()
    assert results[0]["id"] == ids["Explain how photosynthesis works in plants"]
    assert results[0]["score"] > results[1]["score"]

    other = api_user("other")
    assert other.http.get("/prompts/similar/", params={"q": "photosynthesis"}).json() == []


async def _receive_json(ws, timeout: float = 60) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def test_websocket_push_reaches_only_the_owner(api_user):
    owner, stranger = api_user("owner"), api_user("stranger")
    async with (
        websockets.connect(owner.ws_url()) as owner_socket,
        websockets.connect(owner.ws_url().replace("/ws/prompts/", "/ws/prompts")) as owner_second,
        websockets.connect(stranger.ws_url()) as stranger_socket,
    ):
        for ws in (owner_socket, owner_second, stranger_socket):
            assert await _receive_json(ws) == {"message": "WebSocket connection established"}

        response = await asyncio.to_thread(
            owner.http.post,
            "/prompts/",
            json={"prompt": "Name a primary colour.", "send_via_websocket": True},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["metadata"]["sent_via_websocket"] is True
        for ws in (owner_socket, owner_second):
            push = await _receive_json(ws)
            assert push["prompt"] == "Name a primary colour."
            assert push["response"] == body["response"]
            assert push["embedding_length"] == 384
            assert push["id"] == body["id"]
            assert push["message"]
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(stranger_socket.recv(), 1.0)


@pytest.mark.parametrize("query", ["?token=", "?token=not-a-jwt"])
async def test_websocket_refuses_invalid_token(server_process, query):
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(f"{server_process.ws_url}/ws/prompts/{query}"):
            pass
    assert refused.value.response.status_code == 403


async def test_websocket_without_token_must_authenticate_first(server_process):
    # No token in the URL: the socket opens, but anything other than {"type": "auth"} closes it.
    async with websockets.connect(f"{server_process.ws_url}/ws/prompts/") as ws:
        await ws.send(json.dumps({"type": "prompt", "prompt": "hi"}))
        assert (await _receive_json(ws))["type"] == "error"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4401


async def test_websocket_refuses_foreign_origin(api_user):
    user = api_user("origin")
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(user.ws_url(), origin="http://evil.example"):
            pass
    async with websockets.connect(user.ws_url(), origin=f"http://127.0.0.1:{user.server.port}") as ws:
        assert await _receive_json(ws) == {"message": "WebSocket connection established"}


def test_health_and_readiness(server_process, api_user):
    import httpx

    assert httpx.get(f"{server_process.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server_process.url}/readyz").json() == {"status": "ready"}
