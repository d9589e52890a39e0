"""A real server process (uvicorn, real models, real database) shared by the end-to-end tests."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(name: str, action: str) -> None:
    import psycopg

    params = {
        "host": os.environ["DATABASE_HOST"],
        "port": os.environ.get("DATABASE_PORT", "5432"),
        "user": os.environ.get("DATABASE_USER", "postgres"),
        "password": os.environ.get("DATABASE_PASSWORD", "postgres"),
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class LiveServer:
    """One uvicorn process. `share_database_with` makes a second worker of the same deployment."""

    ready_path = "/readyz"  # a subclass serving without a working model waits for /healthz instead

    def __init__(
        self,
        *,
        data_dir: Path,
        env_overrides: dict[str, str] | None = None,
        share_database_with: "LiveServer | None" = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = data_dir / "server.log"
        self.postgres_name = None
        self.env = {
            **os.environ,
            "DATA_DIR": str(data_dir),
            # Weights cached across runs in the repo's data dir, so later test runs start fast.
            "MODEL_CACHE_DIR": str(REPO / "data" / "models"),
            "GENERATION_MAX_NEW_TOKENS": "24",
            "THROTTLE_RATE_BURST": "1000/second",
            "THROTTLE_RATE_SUSTAINED": "10000/minute",
            "THROTTLE_RATE_AUTH": "10000/minute",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
            **(env_overrides or {}),
        }
        if share_database_with is not None:
            self.env["DATABASE_NAME"] = share_database_with.env.get("DATABASE_NAME", "")
            self.env["SQLITE_PATH"] = str(share_database_with.data_dir / "db.sqlite3")
        elif self.env.get("DATABASE_HOST"):
            self.postgres_name = f"pf_e2e_{uuid.uuid4().hex[:10]}"
            self.env["DATABASE_NAME"] = self.postgres_name
        self.process: subprocess.Popen | None = None

    def start(self) -> "LiveServer":
        if self.postgres_name:
            _postgres_database(self.postgres_name, "create")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=self.env, check=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(self.command(), cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def command(self) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                "--port", str(self.port), "--ws", "websockets", "--ws-max-size", "65536"]  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"server not ready in {STARTUP_TIMEOUT_S}s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.postgres_name:
            _postgres_database(self.postgres_name, "drop")


@pytest.fixture(scope="session")
def server_process(tmp_path_factory):
    server = LiveServer(data_dir=tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()


class ApiUser:
    """A signed-up user talking to the live server over real HTTP."""

    def __init__(self, server: LiveServer, username: str) -> None:
        self.server = server
        self.username = username
        self.password = "correct-horse-battery-9"
        self.http = httpx.Client(base_url=server.url, timeout=120)
        signup = self.http.post("/api/signup", json={"username": username, "password": self.password})
        assert signup.status_code == 201, signup.text
        tokens = self.http.post("/api/token", json={"username": username, "password": self.password}).json()
        self.access, self.refresh = tokens["access"], tokens["refresh"]
        self.http.headers["Authorization"] = f"Bearer {self.access}"

    def ws_url(self) -> str:
        return f"{self.server.ws_url}/ws/prompts/?token={self.access}"


@pytest.fixture
def api_user(server_process):
    def make(prefix: str) -> ApiUser:
        return ApiUser(server_process, f"{prefix}_{uuid.uuid4().hex[:8]}")

    return make


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium under Playwright, one per test module (skipped with the reason when absent)."""
    from tests.e2e.browser import launch_chromium, missing_browser_reason

    reason = missing_browser_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """A fresh browser profile (empty localStorage); fails the test on any JavaScript error in the page."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
