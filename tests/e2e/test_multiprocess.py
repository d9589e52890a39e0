"""Two server processes of one deployment sharing the database and the machine's Redis.

A push caused by a request on one process reaches sockets held by the other, and throttle counters
are shared. Needs TEST_REDIS_URL (CI sets it); skipped otherwise.
"""

import asyncio
import json
import os
import uuid

import httpx
import pytest
import websockets

from .conftest import ApiUser, LiveServer

pytestmark = pytest.mark.e2e

REDIS_URL = os.environ.get("TEST_REDIS_URL")
SUSTAINED_LIMIT = 6


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: no Redis to share between processes")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unavailable: {exc}")
    env = {
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": f"pf-test-{uuid.uuid4().hex[:8]}",  # other runs may share this Redis
        "THROTTLE_RATE_SUSTAINED": f"{SUSTAINED_LIMIT}/minute",
    }
    first = LiveServer(data_dir=tmp_path_factory.mktemp("worker_a"), env_overrides=env).start()
    try:
        second = LiveServer(
            data_dir=tmp_path_factory.mktemp("worker_b"), env_overrides=env, share_database_with=first
        ).start()
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


async def receive(ws, timeout: float = 60) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def test_push_and_stream_cross_processes(two_workers):
    first, second = two_workers
    user = ApiUser(first, f"cross_{uuid.uuid4().hex[:8]}")
    stranger = ApiUser(first, f"stranger_{uuid.uuid4().hex[:8]}")
    on_second = f"{second.ws_url}/ws/prompts/?token={user.access}"
    async with (
        websockets.connect(on_second) as ws,
        websockets.connect(f"{second.ws_url}/ws/prompts/?token={stranger.access}") as stranger_ws,
    ):
        assert await receive(ws) == {"message": "WebSocket connection established"}
        assert await receive(stranger_ws) == {"message": "WebSocket connection established"}

        body = {"prompt": "Name a primary colour.", "send_via_websocket": True}
        response = await asyncio.to_thread(user.http.post, "/prompts/", json=body)  # served by the first
        assert response.status_code == 201, response.text
        push = await receive(ws)
        assert push["id"] == response.json()["id"] and push["response"] == response.json()["response"]

        body["stream"] = True
        response = await asyncio.to_thread(user.http.post, "/prompts/", json=body)
        assert response.status_code == 201, response.text
        messages = [await receive(ws)]
        while messages[-1]["type"] != "prompt.done":
            messages.append(await receive(ws))
        deltas = [m["delta"] for m in messages if m["type"] == "prompt.delta"]
        assert len(deltas) >= 2 and "".join(deltas) == response.json()["response"]

        with pytest.raises(TimeoutError):  # the other user's socket got nothing
            await asyncio.wait_for(stranger_ws.recv(), 0.5)


def test_throttle_counters_are_shared(two_workers):
    first, second = two_workers
    user = ApiUser(first, f"throttle_{uuid.uuid4().hex[:8]}")
    on_second = httpx.Client(base_url=second.url, timeout=60, headers={"Authorization": f"Bearer {user.access}"})
    statuses = []
    for attempt in range(SUSTAINED_LIMIT + 1):
        client = user.http if attempt % 2 == 0 else on_second
        statuses.append(client.get("/prompts/similar/", params={"q": "anything"}).status_code)
    assert statuses == [200] * SUSTAINED_LIMIT + [429]
