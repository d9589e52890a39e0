"""Starting server processes and reading their memory, for the benchmarks."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free port: from BENCHMARK_PORTS (e.g. "8610-8619") when set, so several people can share a machine."""
    first, _, last = os.environ.get("BENCHMARK_PORTS", "0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in BENCHMARK_PORTS={os.environ['BENCHMARK_PORTS']}")


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "AI_PRELOAD": "false",  # only the embedder is needed; it loads with the search index
        "SEARCH_PRELOAD": "true",
        "THROTTLE_RATE_BURST": "100000/second",
        "THROTTLE_RATE_SUSTAINED": "1000000/minute",
        # Production mode over plain HTTP on loopback (no TLS in front of the benchmark).
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-0f6b1c2e9a7d4c58b3e1-7a2d9c4e",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONUNBUFFERED": "1",
        # One OpenMP thread per process: on a shared 2-core machine, threads that spin-wait for a
        # descheduled sibling make each query embedding 10x slower.
        "OMP_NUM_THREADS": "1",
        "JWT_ACCESS_MINUTES": "1440",  # a 100k run outlasts the default 15-minute token
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"],
            cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_for(self, pattern: str, timeout: float = 600) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()[-3000:]}")
            match = re.search(pattern, self.log.read_text())
            if match:
                return match
            time.sleep(0.05)
        raise TimeoutError(f"{pattern!r} not logged in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def wait_http(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError("server did not answer")

    def memory_mib(self) -> tuple[float, float]:
        """(resident now, peak resident) in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        return rss / 1024, peak / 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
