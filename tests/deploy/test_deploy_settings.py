"""Production settings: `check --deploy` is clean, the example SECRET_KEY is refused, probes stay on HTTP."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Jp9-vQ2xR7mZ4tL8wN1sB6yH0cF5gD-aE3uI7oP2lK9jX4nM6bV8qW1rT5zY0"


def run(args: list[str], timeout: float = 120, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(args, cwd=REPO, env=environment, capture_output=True, text=True, timeout=timeout, check=False)


def test_check_deploy_reports_no_issues_in_production():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 DEBUG="False", SECRET_KEY=STRONG_KEY)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["my_super_secret_key", ""])
def test_production_refuses_the_example_secret_key(key):
    result = run([sys.executable, "manage.py", "check"], DEBUG="False", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is empty or the public example value" in result.stderr


def test_gunicorn_refuses_to_start_with_the_example_secret_key(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(
        [sys.executable, "-m", "gunicorn", "config.asgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        DEBUG="False", SECRET_KEY="my_super_secret_key", DATA_DIR=str(tmp_path), AI_PRELOAD="false",
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY is empty or the public example value" in result.stderr


def test_https_redirect_spares_probes_and_metrics(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    redirected = client.get("/prompts/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/prompts/"
