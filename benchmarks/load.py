"""Load test on loopback: requests per second, p50/p99 latency and error rate of the token, list,
retrieve and similar endpoints under N concurrent clients, and the server's memory.

It starts its own server (uvicorn, the real default models, SQLite in a temporary DATA_DIR), signs
up users, imports a prompt history for each with `manage.py import_prompts` (real embeddings), then
runs one bounded phase per (workers, clients, endpoint). Every figure is printed next to the same
run's baseline, GET /healthz (no database, no model), as a ratio. Only 127.0.0.1 is contacted.

    .venv/bin/python benchmarks/load.py                      # defaults below, about 4 minutes
    .venv/bin/python benchmarks/load.py --workers 1 --clients 1,8 --seconds 4 --prompts 500

Throttle rates are raised for the run: this measures capacity, not the configured limits.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery-9"
WORDS = [
    "river",
    "delta",
    "chess",
    "bread",
    "plants",
    "light",
    "stone",
    "music",
    "garden",
    "ocean",
    "engine",
    "paper",
    "winter",
    "coffee",
]
ENDPOINTS = ["healthz", "token", "list", "retrieve", "similar"]


@dataclass
class Phase:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    peak_rss_mb: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_rss_mb(root: psutil.Process) -> float:
    processes = [root, *root.children(recursive=True)]
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker may be restarting
            total += process.memory_info().rss
    return total / 2**20


class Server:
    def __init__(self, data_dir: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATA_DIR": str(data_dir),
            "MODEL_CACHE_DIR": str(REPO / "data" / "models"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "THROTTLE_RATE_BURST": "100000/second",
            "THROTTLE_RATE_SUSTAINED": "10000000/minute",
            "THROTTLE_RATE_AUTH": "10000000/minute",
            "LOG_LEVEL": "WARNING",
        }
        self.workers = workers
        self.log = (data_dir / f"server-{workers}.log").open("w")
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=self.env, check=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--no-access-log", "--no-proxy-headers"],
            cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("server not ready in 300 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def seed(server: Server, users: int, prompts: int, data_dir: Path) -> list[dict]:
    """Sign up `users` users and import `prompts` prompts for each (real embeddings)."""
    accounts = []
    for n in range(users):
        username = f"load{n}"
        httpx.post(f"{server.url}/api/signup", json={"username": username, "password": PASSWORD}).raise_for_status()
        history = data_dir / f"{username}.jsonl"
        with history.open("w") as out:
            for i in range(prompts):
                text = " ".join(random.sample(WORDS, 4)) + f" question {i}"
                out.write(json.dumps({"prompt": text, "response": f"answer {i}"}) + "\n")
        subprocess.run(
            [sys.executable, "manage.py", "import_prompts", str(history), "--user", username, "-v0"],
            cwd=REPO, env=server.env, check=True,
        )  # fmt: skip
        access = httpx.post(f"{server.url}/api/token", json={"username": username, "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {access['access']}"}
        page = httpx.get(f"{server.url}/prompts/?limit=100", headers=headers).json()
        accounts.append({"username": username, "headers": headers, "ids": [p["id"] for p in page["results"]]})
    return accounts


def request_for(endpoint: str, accounts: list[dict]):
    async def call(client: httpx.AsyncClient, worker: int) -> httpx.Response:
        account = accounts[worker % len(accounts)]
        if endpoint == "healthz":
            return await client.get("/healthz")
        if endpoint == "token":
            return await client.post("/api/token", json={"username": account["username"], "password": PASSWORD})
        if endpoint == "list":
            return await client.get("/prompts/?limit=20", headers=account["headers"])
        if endpoint == "retrieve":
            return await client.get(f"/prompts/{random.choice(account['ids'])}/", headers=account["headers"])
        query = " ".join(random.sample(WORDS, 3))
        return await client.get("/prompts/similar/", params={"q": query, "k": 5}, headers=account["headers"])

    return call


async def run_phase(server: Server, call, clients: int, seconds: float, max_requests: int) -> Phase:
    latencies: list[float] = []
    errors = 0
    root = psutil.Process(server.process.pid)
    peak = server_rss_mb(root)
    stop_at = time.perf_counter() + seconds

    async def client_loop(worker: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            while time.perf_counter() < stop_at and len(latencies) + errors < max_requests:
                started = time.perf_counter()
                try:
                    response = await call(client, worker)
                    failed = response.status_code >= 400
                except httpx.HTTPError:
                    failed = True
                if failed:
                    errors += 1
                else:
                    latencies.append((time.perf_counter() - started) * 1000)

    async def sample_memory() -> None:
        nonlocal peak
        while time.perf_counter() < stop_at:
            peak = max(peak, server_rss_mb(root))
            await asyncio.sleep(0.25)

    started = time.perf_counter()
    await asyncio.gather(sample_memory(), *(client_loop(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    total = len(latencies) + errors
    return Phase(requests=total, errors=errors, seconds=elapsed, latencies_ms=latencies, peak_rss_mb=peak)


def report(workers: int, clients: int, results: dict[str, Phase]) -> None:
    base = results["healthz"]
    print(f"\n-- {workers} worker process(es), {clients} concurrent client(s)")
    print(f"{'endpoint':<10} {'requests':>8} {'req/s':>8} {'vs healthz':>10} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7} {'peak RSS MiB':>12}")  # fmt: skip
    for name, phase in results.items():
        ratio = phase.rps / base.rps if base.rps else float("nan")
        error_rate = phase.errors / phase.requests if phase.requests else 0.0
        print(
            f"{name:<10} {phase.requests:>8} {phase.rps:>8.1f} {ratio:>9.3f}x {phase.percentile(0.5):>8.1f} "
            f"{phase.percentile(0.99):>8.1f} {error_rate:>6.1%} {phase.peak_rss_mb:>12.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2", help="server worker processes, comma-separated")
    parser.add_argument("--clients", default="1,16", help="concurrent clients, comma-separated")
    parser.add_argument("--seconds", type=float, default=6.0, help="duration of each phase")
    parser.add_argument("--max-requests", type=int, default=20000, help="cap on requests per phase")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--prompts", type=int, default=2000, help="imported prompts per user")
    args = parser.parse_args()
    random.seed(7)
    print(f"machine: {os.cpu_count()} cores; load average before the run: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="pf-load-") as tmp:
        accounts = None  # seeded once, served by each worker configuration in turn
        for workers in (int(w) for w in args.workers.split(",")):
            server = Server(Path(tmp), workers).start()
            try:
                accounts = accounts or seed(server, args.users, args.prompts, Path(tmp))
                idle = server_rss_mb(psutil.Process(server.process.pid))
                print(f"\n{workers} worker(s): {args.users} users x {args.prompts} prompts; idle RSS {idle:.0f} MiB")
                for clients in (int(c) for c in args.clients.split(",")):
                    results = {
                        name: asyncio.run(
                            run_phase(server, request_for(name, accounts), clients, args.seconds, args.max_requests)
                        )
                        for name in ENDPOINTS
                    }
                    report(workers, clients, results)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
