"""Production settings: `check --deploy` is clean, weak keys are refused, a key is generated when unset,
DEBUG is off by default, and the production command serves plain HTTP on the API port."""

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from config.gunicorn_worker import WS_MAX_SIZE
from config.settings.secret import stored_secret_key

REPO = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Jp9-vQ2xR7mZ4tL8wN1sB6yH0cF5gD-aE3uI7oP2lK9jX4nM6bV8qW1rT5zY0"
SHOW = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
REFUSED = "refusing to start"


def run(args: list[str], timeout: float = 120, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    for name in ("SECRET_KEY", "DEBUG", "DEVELOPMENT_SERVER", "SERVER_BIND"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(args, cwd=REPO, env=environment, capture_output=True, text=True, timeout=timeout, check=False)


def show_settings(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", SHOW], DATA_DIR=str(tmp_path), **env)


def test_check_deploy_reports_no_issues_in_production(tmp_path):
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 DEBUG="False", SECRET_KEY=STRONG_KEY, DATA_DIR=str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("key", "reason"),
    [("my_super_secret_key", "is the public example value"), ("x" * 49, "is shorter than 50 characters")],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key, reason):
    result = run([sys.executable, "manage.py", "check"], DEBUG="False", SECRET_KEY=key, DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert f"SECRET_KEY {reason} and DEBUG is off: {REFUSED}" in result.stderr


def test_debug_server_reachable_beyond_loopback_refuses_the_example_key(tmp_path):
    key = "my_super_secret_key"
    public = show_settings(tmp_path, DEBUG="True", SECRET_KEY=key, SERVER_BIND="0.0.0.0:8000")
    assert public.returncode != 0
    assert f"the server listens on 0.0.0.0:8000: {REFUSED}" in public.stderr
    local = show_settings(tmp_path, DEBUG="True", SECRET_KEY=key, SERVER_BIND="127.0.0.1:8000")
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == ["True", key]


def test_unset_key_is_generated_once_kept_private_and_reused(tmp_path):
    first = show_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    debug, key = first.stdout.split()
    assert debug == "False"  # DEBUG is off by default
    assert len(key) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert show_settings(tmp_path).stdout.split() == ["False", key]
    assert show_settings(tmp_path / "other").stdout.split()[1] != key


def test_key_file_is_reused_and_no_temporary_file_is_left(tmp_path):
    keys = {stored_secret_key(tmp_path) for _ in range(3)}
    assert len(keys) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]  # no leftover temporary file


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({"DEVELOPMENT_SERVER": "1", "SERVER_BIND": "127.0.0.1:8000"}, "True"),  # make run
        ({"DEVELOPMENT_SERVER": "1", "SERVER_BIND": "0.0.0.0:8000"}, "False"),  # make run HOST=0.0.0.0
        ({"SERVER_BIND": "127.0.0.1:8000"}, "False"),  # gunicorn on loopback
        ({"DEVELOPMENT_SERVER": "1", "SERVER_BIND": "127.0.0.1:8000", "DEBUG": "False"}, "False"),
    ],
)
def test_debug_is_on_only_in_make_runs_development_mode(tmp_path, env, debug):
    result = show_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == debug


def test_separate_jwt_signing_key_is_used_and_checked(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SIMPLE_JWT['SIGNING_KEY'])"
    args = [sys.executable, "-c", code]
    result = run(args, DATA_DIR=str(tmp_path), JWT_SIGNING_KEY=STRONG_KEY[::-1])
    assert result.stdout.strip() == STRONG_KEY[::-1]
    weak = run(args, DATA_DIR=str(tmp_path), JWT_SIGNING_KEY="short")
    assert weak.returncode != 0
    assert f"JWT_SIGNING_KEY is shorter than 50 characters and DEBUG is off: {REFUSED}" in weak.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(port: int, **env) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.asgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]


def test_gunicorn_refuses_to_start_with_the_example_secret_key(tmp_path):
    port = free_port()
    result = run(gunicorn(port), DEBUG="False", SECRET_KEY="my_super_secret_key", DATA_DIR=str(tmp_path),
                 AI_PRELOAD="false")  # fmt: skip
    assert result.returncode != 0
    assert f"SECRET_KEY is the public example value and DEBUG is off: {REFUSED}" in result.stderr


def test_production_command_serves_plain_http_on_loopback(tmp_path):
    """gunicorn with DEBUG=False and nothing else set: the API answers over plain HTTP (no 301 to https://),
    while a request nginx received over plain HTTP (X-Forwarded-Proto: http) is sent to https://."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path), "DEBUG": "False",
           "AI_PRELOAD": "false", "GENERATION_BACKEND": "tests.fakes.FakeGenerator",
           "EMBEDDING_BACKEND": "tests.fakes.FakeEmbedder"}  # fmt: skip
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_HOST", None)  # its own SQLite under tmp_path: the test is about HTTP, not the database
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(gunicorn(port), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.3)
        user = {"username": "plainhttp", "password": "correct-horse-battery-9"}
        assert httpx.post(f"{url}/api/signup", json=user).status_code == 201
        token = httpx.post(f"{url}/api/token", json=user)
        assert token.status_code == 200
        listing = httpx.get(f"{url}/prompts/", headers={"Authorization": f"Bearer {token.json()['access']}"})
        assert listing.status_code == 200 and listing.json()["results"] == []
        proxied = httpx.get(f"{url}/prompts/", headers={"X-Forwarded-Proto": "http", "Host": "localhost"})
        assert proxied.status_code == 301
        assert proxied.headers["Location"] == "https://localhost/prompts/"
        secure = httpx.get(f"{url}/healthz", headers={"X-Forwarded-Proto": "https", "Host": "localhost"})
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_websocket_message_limit_equals_make_runs():
    makefile = (REPO / "Makefile").read_text()
    assert f"--ws-max-size {WS_MAX_SIZE} " in makefile
    from config.gunicorn_worker import PromptForgeWorker

    assert PromptForgeWorker.CONFIG_KWARGS["ws_max_size"] == WS_MAX_SIZE == 64 * 1024
    assert PromptForgeWorker.CONFIG_KWARGS["ws"] == "websockets"
    assert 'worker_class = "config.gunicorn_worker.PromptForgeWorker"' in (REPO / "gunicorn.conf.py").read_text()


def test_https_redirect_can_be_forced_and_spares_probes_and_metrics(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    redirected = client.get("/prompts/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/prompts/"


def test_proxied_plain_http_is_redirected_but_probes_are_not(client, settings):
    settings.DEBUG = False
    assert client.get("/prompts/").status_code == 401  # straight to the API port: served
    redirected = client.get("/prompts/?page=2", HTTP_X_FORWARDED_PROTO="http")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/prompts/?page=2"
    assert client.get("/readyz", HTTP_X_FORWARDED_PROTO="http").status_code in (200, 503)
    assert client.get("/prompts/", HTTP_X_FORWARDED_PROTO="https").status_code == 401
