"""Real server processes (uvicorn, the real app) with the fast fake models, for multi-process tests.

The product path is real: HTTP, middleware, database, cache, channel layer. Only the two models are
the deterministic fakes of tests/fakes.py, chosen through GENERATION_BACKEND / EMBEDDING_BACKEND.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.e2e.conftest import REPO, _postgres_database, free_port

FAKE_MODELS = {
    "GENERATION_BACKEND": "tests.fakes.FakeGenerator",
    "EMBEDDING_BACKEND": "tests.fakes.FakeEmbedder",
}
GENEROUS_RATES = {
    "THROTTLE_RATE_BURST": "1000/second",
    "THROTTLE_RATE_SUSTAINED": "10000/minute",
    "THROTTLE_RATE_AUTH": "10000/minute",
}


def server_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        **FAKE_MODELS,
        **GENEROUS_RATES,
        **overrides,
    }


@contextmanager
def fresh_database(env: dict[str, str]):
    """A migrated database for `env`: a new PostgreSQL database when DATABASE_HOST is set, else SQLite."""
    name = None
    if env.get("DATABASE_HOST"):
        name = f"pf_rel_{uuid.uuid4().hex[:10]}"
        env["DATABASE_NAME"] = name
        _postgres_database(name, "create")
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
        yield env
    finally:
        if name:
            _postgres_database(name, "drop")


class ServerProcess:
    def __init__(self, env: dict[str, str], *, name: str = "server") -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = Path(env["DATA_DIR"]) / f"{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, ready_path: str = "/readyz", timeout_s: float = 60) -> "ServerProcess":
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--ws", "websockets", "--no-proxy-headers"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.url}{ready_path}", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready in {timeout_s}s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running(*servers: ServerProcess, **start_kwargs):
    started = []
    try:
        for server in servers:
            started.append(server.start(**start_kwargs))
        yield servers
    finally:
        for server in started:
            server.stop()
