"""grafana_dashboard.json: the seed's panels plus the application's, queried from the right jobs."""

import re

from tests.ops_tools import dashboard_queries, load_yaml, promql_metric_names

SEED_PANELS = [  # the seed's monitoring section, by the metric each panel needs
    "django_http_requests_total_by_method_total",  # HTTP requests/s by method
    "django_http_requests_latency_including_middlewares_seconds_sum",  # latency
    "django_http_responses_total_by_status_total",  # 4xx and 5xx rates
    "pg_stat_activity_count",  # PostgreSQL active connections
    "django_db_query_duration_seconds_sum",  # query duration
    "pg_stat_database_tup_fetched",  # rows fetched ...
    "pg_stat_database_tup_inserted",  # ... vs inserted
    "process_cpu_seconds_total",  # CPU
    "process_resident_memory_bytes",  # memory
]
APPLICATION_PANELS = [
    "prompt_forge_generation_seconds_bucket",
    "prompt_forge_generated_tokens_total",
    "prompt_forge_embedding_seconds_bucket",
    "prompt_forge_similar_search_seconds_bucket",
    "prompt_forge_index_vectors",
    "prompt_forge_semantic_cache_hits_total",
    "prompt_forge_semantic_cache_misses_total",
    "prompt_forge_websocket_connections",
    "prompt_forge_throttled_requests_total",
    "prompt_forge_tokens_total",  # tokens against budgets, by model and outcome
]


def test_metric_name_extraction_ignores_functions_labels_and_keywords():
    expr = 'histogram_quantile(0.95, sum by (le, model) (rate(a_bucket{job="x", status=~"5.."}[5m]))) / on() b_total'
    assert promql_metric_names(expr) == {"a_bucket", "b_total"}


def test_dashboard_has_every_seed_panel_and_the_application_panels():
    used = set().union(*(promql_metric_names(expr) for _, expr in dashboard_queries()))
    assert sorted(set(SEED_PANELS + APPLICATION_PANELS) - used) == []


def test_every_query_selects_a_job_that_prometheus_scrapes():
    jobs = {job["job_name"] for job in load_yaml("prometheus.yml")["scrape_configs"]}
    for title, expr in dashboard_queries():
        selected = set(re.findall(r'job="([^"]+)"', expr))
        assert selected and selected <= jobs, f"{title}: {expr}"
        for name in promql_metric_names(expr):
            assert (name.startswith("pg_") and selected == {"postgres"}) or (
                not name.startswith("pg_") and "postgres" not in selected
            ), f"{title}: {name} queried from {selected}"
