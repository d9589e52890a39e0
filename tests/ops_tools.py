"""Helpers for the tests of the deployment files (compose, Prometheus, Grafana, scripts)."""

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def compose_command() -> list[str]:
    """Debian's docker-compose, or the `docker compose` plugin: both validate without an engine."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    pytest.skip("neither docker-compose nor the docker compose plugin is installed (.ci/run installs docker-compose)")


# What an operator must add to .env.example before Compose starts (it ships no usable secret).
REQUIRED_SECRETS = {
    "SECRET_KEY": "k3Jp9-vQ2xR7mZ4tL8wN1sB6yH0cF5gD-aE3uI7oP2lK9jX4nM6bV8qW1rT5zY0",
    "PGADMIN_DEFAULT_PASSWORD": "pgadmin-test-password-7f3a",
    "GF_SECURITY_ADMIN_PASSWORD": "grafana-test-password-9c1d",
}


def env_file(**values: str) -> Path:
    """.env.example with `values` set, in a temporary file (docker-compose 1.x takes one --env-file)."""
    text = (REPO / ".env.example").read_text() + "".join(f"\n{key}={value}" for key, value in values.items())
    path = Path(tempfile.mkdtemp(prefix="compose-env-")) / ".env"
    path.write_text(text + "\n")
    return path


def compose_config(
    compose_file: Path = REPO / "docker-compose.yml", secrets: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    environment_file = env_file(**(REQUIRED_SECRETS if secrets is None else secrets))
    clean_env = {key: value for key, value in os.environ.items() if key not in REQUIRED_SECRETS}
    return subprocess.run(
        [*compose_command(), "-f", str(compose_file), "--env-file", str(environment_file), "config"],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=60, env=clean_env,
    )  # fmt: skip


@functools.cache
def resolved_compose() -> dict:
    result = compose_config()
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def load_yaml(relative: str) -> dict:
    return yaml.safe_load((REPO / relative).read_text())


def published_ports(service: dict) -> set[int]:
    ports = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:  # "host:container" or "ip:host:container"
            ports.add(int(str(entry).split(":")[-2]))
    return ports


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


# postgres_exporter's default metrics the dashboard may use, as named in its sources
# (github.com/prometheus-community/postgres_exporter):
POSTGRES_EXPORTER_METRICS = {
    # cmd/postgres_exporter/postgres_metrics.go, default metric map "pg_stat_activity"
    "pg_stat_activity_count",
    "pg_stat_activity_max_tx_duration",
    # collector/pg_stat_database.go (enabled by default)
    "pg_stat_database_numbackends",
    "pg_stat_database_tup_fetched",
    "pg_stat_database_tup_inserted",
    "pg_stat_database_tup_returned",
    "pg_stat_database_xact_commit",
    "pg_stat_database_xact_rollback",
    "pg_stat_database_active_time_seconds_total",
    "pg_stat_database_blks_read",
    "pg_stat_database_blks_hit",
    "pg_up",
}

_PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf", "nan"}


def dashboard_queries() -> list[tuple[str, str]]:
    """(panel title, PromQL expression) for every query of grafana_dashboard.json."""
    import json

    dashboard = json.loads((REPO / "grafana_dashboard.json").read_text())
    return [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel.get("targets", [])]


def promql_metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, labels or keywords."""
    import re

    stripped = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    stripped = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", stripped)
    stripped = re.sub(r"\[[^\]]*\]", "", stripped)  # range selectors
    names = re.findall(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", stripped)
    return {name for name in names if name.lower() not in _PROMQL_KEYWORDS}
