"""The production server shape: gunicorn with two uvicorn workers and Prometheus multiprocess mode.

One /metrics scrape, answered by either worker, must cover both, and move with real work.
"""

import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from tests.ops_tools import POSTGRES_EXPORTER_METRICS, dashboard_queries, promql_metric_names

from .conftest import ApiUser, LiveServer

pytestmark = pytest.mark.e2e

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
AUTH_RATE_PER_WORKER = 4


class GunicornServer(LiveServer):
    def command(self) -> list[str]:
        # gunicorn.conf.py (read from the repo root) sets the uvicorn worker class and multiprocess mode.
        return [sys.executable, "-m", "gunicorn", "config.asgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]  # fmt: skip


@pytest.fixture(scope="module")
def workers_server(server_process, tmp_path_factory):
    # After server_process: the single-process server has built the weight cache the workers load.
    data_dir = tmp_path_factory.mktemp("workers")
    # No model-written conversation titles: each prompt is then exactly one generation to count.
    overrides = {"THROTTLE_RATE_AUTH": f"{AUTH_RATE_PER_WORKER}/minute", "CONVERSATION_MODEL_TITLES": "false"}
    server = GunicornServer(data_dir=data_dir, env_overrides=overrides).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def worker_user(workers_server) -> ApiUser:
    return ApiUser(workers_server, f"ops_{uuid.uuid4().hex[:8]}")


def scrape(server: LiveServer) -> dict[tuple[str, frozenset], float]:
    response = httpx.get(f"{server.url}/metrics", timeout=30)
    assert response.status_code == 200, response.text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def label_values(samples: dict, name: str, label: str) -> set[str]:
    return {dict(labels)[label] for metric, labels in samples if metric == name}


def children_of(pid: int) -> set[str]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.add(stat.parent.name)
    return children


def test_one_scrape_covers_both_workers(workers_server):
    workers = children_of(workers_server.process.pid)
    assert len(workers) == 2
    sent = 0
    seen: set[str] = set()
    # Fresh connections, several at once, until the kernel has handed some to each worker.
    with ThreadPoolExecutor(8) as pool:
        for _ in range(40):
            statuses = list(pool.map(lambda _: httpx.get(f"{workers_server.url}/healthz").status_code, range(16)))
            assert statuses == [200] * 16
            sent += 16
            seen = label_values(scrape(workers_server), "prompt_forge_worker_requests_total", "worker")
            if seen >= workers:
                break
    samples = scrape(workers_server)
    assert seen == workers
    served = {pid: value(samples, "prompt_forge_worker_requests_total", worker=pid) for pid in workers}
    assert all(count > 0 for count in served.values())
    # django-prometheus counters are summed over the workers.
    assert value(samples, "django_http_requests_total_by_method_total", method="GET") >= sent
    assert label_values(samples, "process_resident_memory_bytes", "pid") == workers
    assert all(value(samples, "process_resident_memory_bytes", pid=pid) > 0 for pid in workers)


def test_application_metrics_move_with_real_work(workers_server, worker_user):
    before = scrape(workers_server)
    created = worker_user.http.post("/prompts/", json={"prompt": "What is the capital of France?"})
    assert created.status_code == 201, created.text
    tokens = created.json()["metadata"]["extra_info"]["completion_tokens"]
    found = worker_user.http.get("/prompts/similar/", params={"q": "French capital city"})
    assert found.status_code == 200 and found.json()[0]["id"] == created.json()["id"]
    after = scrape(workers_server)

    def delta(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("prompt_forge_generation_seconds_count", model=MODEL) == 1
    assert delta("prompt_forge_generated_tokens_total", model=MODEL) == tokens > 0
    assert delta("prompt_forge_embedding_seconds_count", model="all-MiniLM-L6-v2") == 2
    assert delta("prompt_forge_similar_search_seconds_count", backend="faiss") == 1
    assert value(after, "prompt_forge_index_vectors") >= 1
    assert delta("django_http_requests_total_by_method_total", method="POST") >= 1
    vendor = "postgresql" if workers_server.postgres_name else "sqlite"
    assert delta("django_db_execute_total", alias="default", vendor=vendor) > 0


def test_open_websockets_and_throttled_requests_are_counted(workers_server, worker_user):
    assert value(scrape(workers_server), "prompt_forge_websocket_connections") == 0
    with connect(worker_user.ws_url()) as socket:
        socket.recv(timeout=30)
        assert value(scrape(workers_server), "prompt_forge_websocket_connections") == 1
    deadline = time.monotonic() + 30
    while value(scrape(workers_server), "prompt_forge_websocket_connections") != 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert value(scrape(workers_server), "prompt_forge_websocket_connections") == 0

    before = value(scrape(workers_server), "prompt_forge_throttled_requests_total", view="TokenRefresh")
    # More refreshes than both workers together allow: some must be refused.
    codes = [
        httpx.post(f"{workers_server.url}/api/token/refresh", json={"refresh": "not-a-token"}).status_code
        for _ in range(2 * AUTH_RATE_PER_WORKER + 1)
    ]
    assert set(codes) <= {401, 429} and codes.count(429) >= 1
    after = value(scrape(workers_server), "prompt_forge_throttled_requests_total", view="TokenRefresh")
    assert after - before == codes.count(429)


def test_request_log_has_one_line_per_request_and_no_tokens(workers_server, worker_user):
    with connect(worker_user.ws_url()) as socket:
        socket.recv(timeout=30)
    created = worker_user.http.post("/prompts/", json={"prompt": "Say hi."})
    assert created.status_code == 201
    user_id = created.json()["user"]
    deadline = time.monotonic() + 30
    while "method=WS" not in workers_server.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = workers_server.log_path.read_text()
    lines = log.splitlines()
    assert any("method=POST path=/prompts/ status=201" in line and f"user_id={user_id}" in line for line in lines)
    assert any("method=WS path=/ws/prompts/ status=101" in line and f"user_id={user_id}" in line for line in lines)
    assert "token=[redacted]" in log  # uvicorn's own WebSocket line, with its query string redacted
    assert worker_user.access not in log and worker_user.refresh not in log


def test_dashboard_queries_only_metrics_that_exist(workers_server, worker_user):
    # Series that appear with their first event: a search, a refused request.
    assert worker_user.http.get("/prompts/similar/", params={"q": "anything"}).status_code == 200
    for _ in range(2 * AUTH_RATE_PER_WORKER + 1):
        httpx.post(f"{workers_server.url}/api/token/refresh", json={"refresh": "not-a-token"})
    exposed = {name for name, _labels in scrape(workers_server)}
    for title, expr in dashboard_queries():
        for name in promql_metric_names(expr):
            source = POSTGRES_EXPORTER_METRICS if name.startswith("pg_") else exposed
            assert name in source, f"panel {title!r} queries {name}, which nothing exposes"
