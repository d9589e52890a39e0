"""8 concurrent refreshes of one refresh token against two server processes sharing one database
(SQLite, or PostgreSQL when DATABASE_HOST is set): exactly one gets new tokens."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
import pytest

from tests.servers import ServerProcess, fresh_database, running, server_env

PARALLEL = 8
TIMEOUT = 60  # password hashing and 8 parallel requests on a loaded CI machine
USER = {"username": "racer", "password": "correct-horse-battery-9"}


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("refresh-race"))
    with fresh_database(env), running(ServerProcess(env, name="a"), ServerProcess(env, name="b")) as servers:
        yield servers


def test_exactly_one_of_eight_concurrent_refreshes_succeeds(two_workers):
    a, b = two_workers
    assert httpx.post(f"{a.url}/api/signup", json=USER, timeout=TIMEOUT).status_code == 201
    for _round in range(3):
        refresh = httpx.post(f"{a.url}/api/token", json=USER, timeout=TIMEOUT).json()["refresh"]
        barrier = Barrier(PARALLEL)

        def attempt(index: int, refresh: str = refresh, barrier: Barrier = barrier) -> httpx.Response:
            server = (a, b)[index % 2]
            barrier.wait()
            return httpx.post(f"{server.url}/api/token/refresh", json={"refresh": refresh}, timeout=TIMEOUT)

        with ThreadPoolExecutor(PARALLEL) as pool:
            responses = list(pool.map(attempt, range(PARALLEL)))
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200] + [401] * (PARALLEL - 1), [r.text for r in responses]
        [winner] = [response.json() for response in responses if response.status_code == 200]
        # The one new refresh token works; the spent one stays refused.
        again = httpx.post(f"{b.url}/api/token/refresh", json={"refresh": winner["refresh"]}, timeout=TIMEOUT)
        assert again.status_code == 200
        replay = httpx.post(f"{a.url}/api/token/refresh", json={"refresh": refresh}, timeout=TIMEOUT)
        assert replay.status_code == 401
