"""`make run` with no configuration: it writes its own SECRET_KEY, a token forged with the public example
key is refused, and a restart keeps users logged in."""

import hashlib
import os
import signal
import stat
import subprocess
import time

import httpx
import jwt
import pytest

from tests.e2e.conftest import REPO, free_port

EXAMPLE_KEY = "my_super_secret_key"
USER = {"username": "makerun", "password": "correct-horse-battery-9"}


def make_run_env(data_dir) -> dict[str, str]:
    fakes = {"GENERATION_BACKEND": "tests.fakes.FakeGenerator", "EMBEDDING_BACKEND": "tests.fakes.FakeEmbedder"}
    env = {**os.environ, "DATA_DIR": str(data_dir), "AI_PRELOAD": "false", **fakes}
    for name in ("SECRET_KEY", "JWT_SIGNING_KEY", "DEBUG", "DATABASE_HOST", "REDIS_URL"):
        env.pop(name, None)
    return env


class MakeRun:
    def __init__(self, data_dir) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "MakeRun":
        if subprocess.run(["make", "-q", ".venv/.installed"], cwd=REPO, check=False).returncode != 0:
            pytest.skip("the virtualenv is not up to date: `make run` would install packages")
        log = (self.data_dir / f"make-run-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={self.port}"], cwd=REPO, env=make_run_env(self.data_dir),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                pytest.fail(f"make run did not start:\n{log.name}")
            time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # make and the uvicorn it started
            self.process.wait(timeout=30)


def forged_token(user_id: int, kind: str) -> str:
    """What the old default settings accepted: a token signed with the key derived from the example key."""
    key = hashlib.sha256(f"prompt-forge-jwt:{EXAMPLE_KEY}".encode()).hexdigest()
    now = int(time.time())
    claims = {"token_type": kind, "exp": now + 600, "iat": now, "jti": "f" * 32, "user_id": str(user_id)}
    return jwt.encode(claims, key, algorithm="HS256")


def test_make_run_generates_its_key_refuses_forged_tokens_and_keeps_users_logged_in(tmp_path):
    with MakeRun(tmp_path) as server:
        assert httpx.post(f"{server.url}/api/signup", json=USER).status_code == 201
        tokens = httpx.post(f"{server.url}/api/token", json=USER).json()
        forged = httpx.get(f"{server.url}/prompts/", headers={"Authorization": f"Bearer {forged_token(1, 'access')}"})
        assert forged.status_code == 401
        refreshed = httpx.post(f"{server.url}/api/token/refresh", json={"refresh": forged_token(1, "refresh")})
        assert refreshed.status_code == 401
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    with MakeRun(tmp_path) as restarted:
        headers = {"Authorization": f"Bearer {tokens['access']}"}
        assert httpx.get(f"{restarted.url}/prompts/", headers=headers).status_code == 200
        assert httpx.post(f"{restarted.url}/api/token/refresh", json={"refresh": tokens["refresh"]}).status_code == 200
