"""The client examples in examples/ run against the live server and stream a prompt."""

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.e2e

EXAMPLES = REPO / "examples"


def run_example(command: list[str], user) -> subprocess.CompletedProcess:
    env = {**os.environ, "BASE_URL": user.server.url, "ACCESS": user.access}
    return subprocess.run(
        command, cwd=EXAMPLES, env=env, capture_output=True, text=True, timeout=180, check=False
    )  # fmt: skip


def test_python_example_streams_a_prompt(api_user):
    result = run_example([sys.executable, "websocket_test.py", "Name a primary colour."], api_user("pyexample"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "streamed text matches the stored answer" in result.stdout


def test_node_example_streams_a_prompt(api_user):
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed")
    if not (EXAMPLES / "node_modules" / "ws").exists():
        # The exact version in package-lock.json, from the npm registry.
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=EXAMPLES, check=True, timeout=300)
    result = run_example(["node", "websocket_test.js", "Name a primary colour."], api_user("nodeexample"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "streamed text matches the stored answer" in result.stdout
