"""Two real server processes sharing Redis as the cache hold one rate limit per user and per IP."""

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.conftest import REPO
from tests.servers import ServerProcess, fresh_database, running, server_env

REDIS_URL = os.environ.get("TEST_REDIS_URL")
PER_USER = 6
PER_IP = 4


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not REDIS_URL or not redis_reachable(REDIS_URL),
    reason="needs Redis: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to a reachable server",
)


def register_directly(env: dict[str, str]) -> str:
    """Create a user in the servers' database and return an access token, without spending the
    per-IP sign-up budget that the other test measures."""
    script = (
        "import django, uuid; django.setup();"
        "from django.contrib.auth import get_user_model;"
        "from rest_framework_simplejwt.tokens import AccessToken;"
        "user = get_user_model().objects.create_user(username=uuid.uuid4().hex[:12], password=None);"
        "print(AccessToken.for_user(user))"
    )
    run = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    return run.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    env = server_env(
        tmp_path_factory.mktemp("throttles"),
        REDIS_URL=REDIS_URL,
        REDIS_KEY_PREFIX=f"pf-test-{uuid.uuid4().hex[:8]}",  # counters of other runs never interfere
        # Per-day windows: the test never straddles a window boundary.
        THROTTLE_RATE_BURST="1000/second",
        THROTTLE_RATE_SUSTAINED=f"{PER_USER}/day",
        THROTTLE_RATE_AUTH=f"{PER_IP}/day",
    )
    with fresh_database(env), running(ServerProcess(env, name="a"), ServerProcess(env, name="b")) as servers:
        yield servers


def test_spoofed_forwarded_for_does_not_reset_the_ip_limit_on_either_process(two_workers):
    codes = []
    for i in range(2 * PER_IP):
        server = two_workers[i % 2]
        spoofed = {"X-Forwarded-For": f"198.51.100.{i}"}
        body = {"username": "nobody", "password": "wrong"}
        codes.append(httpx.post(f"{server.url}/api/token", json=body, headers=spoofed).status_code)
    assert codes == [401] * PER_IP + [429] * PER_IP


def test_one_user_gets_the_rate_across_both_processes(two_workers):
    first, second = two_workers
    user = register_directly(first.env)
    headers = {"Authorization": f"Bearer {user}"}

    def create(i: int) -> int:
        server = two_workers[i % 2]  # alternate between the processes
        response = httpx.post(f"{server.url}/prompts/", json={"prompt": f"prompt {i}"}, headers=headers, timeout=30)
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(create, range(4 * PER_USER)))
    assert codes.count(201) == PER_USER, codes
    assert codes.count(429) == 3 * PER_USER
    # Exactly the allowed prompts were stored: the history agrees with the limit.
    assert httpx.get(f"{second.url}/prompts/", headers=headers).json()["count"] == PER_USER
