"""Two real worker processes hammered at once never let a user's tokens pass the daily budget by more
than one request's reservation: with Redis as the shared counter store, and with the database alone."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.servers import ServerProcess, fresh_database, running, server_env

BUDGET = 200
MAX_NEW = 16
PROMPT = "please count these words"  # the fake model reads 4 words + 4 framing tokens
RESERVATION = 8 + MAX_NEW
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def login(server: ServerProcess) -> dict:
    user = {"username": uuid.uuid4().hex[:12], "password": "correct-horse-battery-9"}
    assert httpx.post(f"{server.url}/api/signup", json=user).status_code == 201
    access = httpx.post(f"{server.url}/api/token", json=user).json()["access"]
    return {"Authorization": f"Bearer {access}"}


def hammer(servers, headers: dict, *, threads: int = 8) -> list[httpx.Response]:
    """Each thread sends prompts to one of the workers (alternating) until it is refused."""

    def worker(index: int) -> list[httpx.Response]:
        server = servers[index % len(servers)]
        seen = []
        with httpx.Client(timeout=30) as client:
            while True:
                body = {"prompt": PROMPT, "max_new_tokens": MAX_NEW}
                response = client.post(f"{server.url}/prompts/", json=body, headers=headers)
                seen.append(response)
                if response.status_code != 201 or len(seen) > 50:
                    return seen

    with ThreadPoolExecutor(threads) as pool:
        return [response for batch in pool.map(worker, range(threads)) for response in batch]


def check_never_overspent(servers, headers: dict) -> None:
    responses = hammer(servers, headers)
    answered = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code == 429]
    assert answered and len(refused) == 8 and len(answered) + len(refused) == len(responses)
    usage = httpx.get(f"{servers[0].url}/api/usage", params={"days": 1}, headers=headers).json()["totals"]
    spent = usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["requests"] == len(answered)
    assert BUDGET - RESERVATION < spent <= BUDGET + RESERVATION, (spent, len(answered))
    for response in refused:
        body = response.json()
        assert body["limit"] == BUDGET and BUDGET <= body["used"] <= BUDGET + RESERVATION
        assert body["resets_at"] and int(response.headers["Retry-After"]) > 0


def two_workers(data_dir, **overrides):
    env = server_env(data_dir, QUOTA_TOKENS_PER_DAY=str(BUDGET), **overrides)
    return env, (ServerProcess(env, name="a"), ServerProcess(env, name="b"))


@pytest.mark.skipif(not redis_reachable(REDIS_URL), reason=f"needs Redis at {REDIS_URL} (TEST_REDIS_URL)")
def test_two_workers_sharing_redis_never_overspend(tmp_path):
    env, servers = two_workers(tmp_path, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=f"pf-test-{uuid.uuid4().hex[:8]}")
    with fresh_database(env), running(*servers):
        check_never_overspent(servers, login(servers[0]))


def test_two_workers_on_the_database_alone_never_overspend(tmp_path):
    env, servers = two_workers(tmp_path)
    env.pop("REDIS_URL", None)
    with fresh_database(env), running(*servers):
        check_never_overspent(servers, login(servers[0]))
