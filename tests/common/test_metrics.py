"""/metrics: access control, and application metrics moving with what users do (fake models)."""

import os

import pytest
from prometheus_client import REGISTRY

from prompt_forge.common.metrics_export import WorkerProcessCollector
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"  # the catalog name of the one configured model


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_served_on_loopback_in_prometheus_format(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for name in (
        "django_http_requests_total_by_method_total",
        "django_db_query_duration_seconds",
        "prompt_forge_semantic_cache_hits_total",
        "prompt_forge_semantic_cache_misses_total",
        "prompt_forge_websocket_connections",
        "process_resident_memory_bytes",
    ):
        assert name in body
    assert client.get("/metrics/", REMOTE_ADDR="::1").status_code == 200


def test_metrics_refused_from_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert response.json() == {"detail": "metrics are not available from this address"}


def test_metrics_allowed_networks_and_token_are_configurable(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403

    settings.METRICS_TOKEN = "scrape-secret"
    bearer = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert bearer.status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403


def test_creating_and_searching_a_prompt_moves_application_metrics(make_user, client_for):
    client = client_for(make_user())
    before = {
        "generations": sample("prompt_forge_generation_seconds_count", model="fake-generator"),
        "tokens": sample("prompt_forge_generated_tokens_total", model="fake-generator"),
        "embeddings": sample("prompt_forge_embedding_seconds_count", model="fake-embedder"),
        "searches": sample("prompt_forge_similar_search_seconds_count", backend="faiss"),
        "posts": sample("django_http_requests_total_by_method_total", method="POST"),
        "budgeted": sample("prompt_forge_tokens_total", model=MODEL, outcome="answered"),
    }
    created = client.post("/prompts/", {"prompt": "Name three primary colours"}, format="json")
    assert created.status_code == 201
    tokens = created.json()["metadata"]["extra_info"]["completion_tokens"]
    assert client.get("/prompts/similar/", {"q": "primary colours"}).status_code == 200

    assert sample("prompt_forge_generation_seconds_count", model="fake-generator") == before["generations"] + 1
    assert sample("prompt_forge_generated_tokens_total", model="fake-generator") == before["tokens"] + tokens
    assert sample("prompt_forge_embedding_seconds_count", model="fake-embedder") == before["embeddings"] + 2
    assert sample("prompt_forge_similar_search_seconds_count", backend="faiss") == before["searches"] + 1
    assert sample("prompt_forge_index_vectors") >= 1
    assert sample("django_http_requests_total_by_method_total", method="POST") == before["posts"] + 1
    budgeted = created.json()["metadata"]["extra_info"]["prompt_tokens"] + tokens
    assert sample("prompt_forge_tokens_total", model=MODEL, outcome="answered") == before["budgeted"] + budgeted


def test_failed_generation_is_counted(make_user, client_for):
    client = client_for(make_user())
    before = sample("prompt_forge_generation_failures_total", model="fake-generator")
    FakeGenerator.fail_with = "out of memory"
    assert client.post("/prompts/", {"prompt": "hello"}, format="json").status_code == 503
    assert sample("prompt_forge_generation_failures_total", model="fake-generator") == before + 1


def test_throttled_requests_are_counted_by_view(make_user, client_for, settings):
    client = client_for(make_user())
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"burst": "1/minute", "sustained": "100/minute", "auth": "100/minute"},
    }
    before = sample("prompt_forge_throttled_requests_total", view="SimilarPromptsView")
    assert client.get("/prompts/similar/", {"q": "a"}).status_code == 200
    assert client.get("/prompts/similar/", {"q": "a"}).status_code == 429
    assert sample("prompt_forge_throttled_requests_total", view="SimilarPromptsView") == before + 1


def test_readyz_names_an_unusable_search_index(client, settings, tmp_path):
    from prompt_forge.ai.registry import get_embedder, get_generator

    get_generator(), get_embedder()
    assert client.get("/readyz").json() == {"status": "ready"}
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.DATA_DIR = blocker  # the index directory cannot be created under a file (a new index is built)
    response = client.get("/readyz")
    assert response.status_code == 503
    [problem] = response.json()["not_ready"]
    assert problem.startswith("search index:")


def test_worker_collector_reports_live_sibling_workers_only(tmp_path):
    me = os.getpid()
    (tmp_path / f"counter_{me}.db").write_bytes(b"")
    (tmp_path / "counter_999999999.db").write_bytes(b"")  # a worker that is gone
    collector = WorkerProcessCollector(str(tmp_path))
    assert collector.worker_pids() == [me]
    families = {family.name: family for family in collector.collect()}
    [rss] = families["process_resident_memory_bytes"].samples
    assert rss.labels == {"pid": str(me)} and rss.value > 0


def test_labelled_counters_start_at_zero_for_every_known_label(tmp_path):
    """In a fresh process (nothing throttled yet) the dashboard's throttle series already read 0."""
    import subprocess
    import sys

    from tests.e2e.conftest import REPO

    script = "import django; django.setup(); from prompt_forge.common.metrics_export import render_metrics; "
    script += "print(render_metrics().decode())"
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    for view in ("TokenView", "SignUpView", "TokenRefresh", "LogoutView", "AdminLoginView", "SimilarPromptsView"):
        assert f'prompt_forge_throttled_requests_total{{view="{view}"}} 0.0' in output, view
    # Budgeted tokens: every configured model and outcome, and never a user or key label.
    for outcome in ("answered", "cache_hit", "failed", "cancelled", "refused"):
        assert f'prompt_forge_tokens_total{{model="{MODEL}",outcome="{outcome}"}} 0.0' in output, outcome
