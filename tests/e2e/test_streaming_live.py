"""Token streaming with the real default model: WebSocket clients and the official `openai` client."""

import asyncio
import json

import httpx
import openai
import pytest
import websockets

pytestmark = pytest.mark.e2e

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


async def receive(ws, timeout: float = 60) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def stream_over_socket(ws, prompt: str) -> tuple[list[dict], dict]:
    await ws.send(json.dumps({"type": "prompt", "prompt": prompt}))
    events = []
    while True:
        message = await receive(ws)
        if message.get("type") in {"prompt.done", "prompt.failed", "error"}:
            return events, message
        events.append(message)


async def test_answer_streams_token_by_token_over_websocket(api_user):
    user = api_user("stream")
    # The token travels in the first message, not in the URL.
    async with websockets.connect(f"{user.server.ws_url}/ws/prompts/") as ws:
        await ws.send(json.dumps({"type": "auth", "token": user.access}))
        assert await receive(ws) == {"message": "WebSocket connection established"}
        events, done = await stream_over_socket(ws, "What is the capital of France?")
    assert done["type"] == "prompt.done", done
    deltas = [event["delta"] for event in events if event["type"] == "prompt.delta"]
    assert len(deltas) >= 3  # token by token, not one block
    assert "".join(deltas) == done["response"] and "Paris" in done["response"]
    assert done["prompt"] == "What is the capital of France?" and done["embedding_length"] == 384
    stored = user.http.get(f"/prompts/{done['id']}/").json()
    assert stored["response"] == done["response"]
    assert stored["metadata"]["extra_info"]["status"] == "completed"


async def test_post_with_stream_true_streams_to_the_users_socket(api_user):
    user = api_user("poststream")
    async with websockets.connect(user.ws_url()) as ws:
        assert await receive(ws) == {"message": "WebSocket connection established"}
        body = {"prompt": "Name a primary colour.", "send_via_websocket": True, "stream": True}
        response = await asyncio.to_thread(user.http.post, "/prompts/", json=body)
        assert response.status_code == 201, response.text
        messages = [await receive(ws)]
        while messages[-1].get("type") != "prompt.done":
            messages.append(await receive(ws))
    deltas = [m["delta"] for m in messages if m["type"] == "prompt.delta"]
    assert len(deltas) >= 2
    assert "".join(deltas) == messages[-1]["response"] == response.json()["response"]


def test_openai_client_plain_and_streaming(api_user):
    user = api_user("openai")
    client = openai.OpenAI(base_url=f"{user.server.url}/v1", api_key=user.access, max_retries=0)
    assert [model.id for model in client.models.list()] == [MODEL]

    question = [{"role": "user", "content": "What is the capital of France?"}]
    completion = client.chat.completions.create(model=MODEL, messages=question, max_tokens=16)
    answer = completion.choices[0].message.content
    assert "Paris" in answer and completion.usage.completion_tokens > 0

    chunks = list(client.chat.completions.create(model=MODEL, messages=question, max_tokens=16, stream=True))
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    # Greedy, but not necessarily word for word the same: the second request reuses the first one's cached
    # prompt (prefix caching), and the engine's kernels round differently for other shapes.
    streamed = "".join(pieces)
    assert len(pieces) >= 3 and "Paris" in streamed
    assert chunks[-1].choices[0].finish_reason in {"stop", "length"}

    history = user.http.get("/prompts/").json()["results"]  # both calls landed in the history
    assert [p["text"] for p in history] == ["What is the capital of France?"] * 2
    assert sorted(p["response"] for p in history) == sorted([answer, streamed])  # each as its client saw it
    assert {p["id"] for p in history} == {int(completion.id.removeprefix("chatcmpl-")), int(chunks[0].id[9:])}

    stranger = openai.OpenAI(base_url=f"{user.server.url}/v1", api_key="not-a-token", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        stranger.models.list()
    with pytest.raises(openai.BadRequestError, match="unknown model"):  # the message lists the served models
        client.chat.completions.create(model="gpt-4", messages=question)


async def test_concurrent_streams_never_mix(api_user):
    user = api_user("concurrent")
    client = openai.AsyncOpenAI(base_url=f"{user.server.url}/v1", api_key=user.access, max_retries=0)
    capitals = {"France": "Paris", "Italy": "Rome", "Japan": "Tokyo"}

    async def ask(question: str, stream: bool) -> str:
        messages = [{"role": "user", "content": question}]
        if not stream:
            completion = await client.chat.completions.create(model=MODEL, messages=messages, max_tokens=12)
            return completion.choices[0].message.content
        pieces = []
        async for chunk in await client.chat.completions.create(
            model=MODEL, messages=messages, max_tokens=12, stream=True
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
        return "".join(pieces)

    questions = [f"What is the capital of {country}?" for country in capitals]
    alone = [await ask(question, stream=False) for question in questions]
    together = await asyncio.gather(*(ask(question, stream=True) for question in questions))
    # Each answer, alone or streamed beside the others, answers its own question and no other.
    for answers in (alone, together):
        for capital, answer in zip(capitals.values(), answers, strict=True):
            assert capital in answer and not any(other in answer for other in capitals.values() if other != capital)


def test_v1_requires_the_jwt(server_process):
    response = httpx.post(f"{server_process.url}/v1/chat/completions", json={"model": MODEL, "messages": []})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
