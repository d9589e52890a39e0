"""Real-time figures on live server processes with the real default models (loopback only, bounded).

1. Streaming: time to first token (TTFT) and tokens/s over WebSocket and /v1 (server-sent events),
   against the baseline of waiting for the whole answer (POST /prompts/ without streaming).
2. Push latency: from the request that causes a push (POST /prompts/ with "stream": true, whose
   "prompt.started" push leaves as soon as the prompt is saved) to its arrival on every open socket
   of the user: 1 socket (baseline), then N sockets on one process (in-memory channel layer), then N
   sockets on a second process fed through Redis.

    .venv/bin/python benchmarks/realtime.py --sockets 1000 --pushes 20 --redis redis://127.0.0.1:6379/14
"""

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.conftest import ApiUser, LiveServer  # noqa: E402

QUESTIONS = [
    "What is the capital of France?",
    "Explain photosynthesis in one sentence.",
    "Name three primary colours.",
    "What is a prime number?",
    "Why is the sky blue?",
]
PUSH_PROMPT = "Reply with the single word OK."


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value * 1000:8.1f} ms"


async def receive(ws, timeout: float = 120) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def stream_over_socket(user: ApiUser, question: str) -> dict:
    async with websockets.connect(user.ws_url()) as ws:
        await receive(ws)
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "prompt", "prompt": question}))
        first = None
        while True:
            message = await receive(ws)
            if message["type"] == "prompt.delta" and first is None:
                first = time.perf_counter()
            if message["type"] in {"prompt.done", "prompt.failed", "error"}:
                break
    done = time.perf_counter()
    assert message["type"] == "prompt.done", message
    info = user.http.get(f"/prompts/{message['id']}/").json()["metadata"]["extra_info"]
    return {"ttft": first - started, "total": done - started, "tokens": info["completion_tokens"]}


def stream_over_sse(user: ApiUser, question: str, model: str) -> dict:
    body = {"model": model, "messages": [{"role": "user", "content": question}], "stream": True}
    body["stream_options"] = {"include_usage": True}
    started = time.perf_counter()
    first = tokens = None
    with user.http.stream("POST", "/v1/chat/completions", json=body) as response:
        for line in response.iter_lines():
            if not line.startswith("data: {"):
                continue
            chunk = json.loads(line[6:])
            if chunk["choices"] and chunk["choices"][0]["delta"].get("content") and first is None:
                first = time.perf_counter()
            if chunk.get("usage"):
                tokens = chunk["usage"]["completion_tokens"]
    return {"ttft": first - started, "total": time.perf_counter() - started, "tokens": tokens}


def whole_answer(user: ApiUser, question: str) -> dict:
    started = time.perf_counter()
    response = user.http.post("/prompts/", json={"prompt": question})
    assert response.status_code == 201, response.text
    tokens = response.json()["metadata"]["extra_info"]["completion_tokens"]
    return {"total": time.perf_counter() - started, "tokens": tokens}


def report_streaming(server: LiveServer, rounds: int) -> None:
    user = ApiUser(server, f"bench_{uuid.uuid4().hex[:8]}")
    model = user.http.get("/v1/models").json()["data"][0]["id"]
    whole_answer(user, "Warm up.")  # first call pays one-off costs
    rows = {"whole answer (POST /prompts/, baseline)": [], "WebSocket stream": [], "/v1 SSE stream": []}
    for i in range(rounds):
        question = QUESTIONS[i % len(QUESTIONS)]
        rows["whole answer (POST /prompts/, baseline)"].append(whole_answer(user, question))
        rows["WebSocket stream"].append(asyncio.run(stream_over_socket(user, question)))
        rows["/v1 SSE stream"].append(stream_over_sse(user, question, model))
    baseline = statistics.median(r["total"] for r in rows["whole answer (POST /prompts/, baseline)"])
    print(f"\n== Streaming, default model, {rounds} prompts each (median)")
    print(f"{'path':42} {'first text':>12} {'whole answer':>12} {'tokens/s':>9} {'first text vs baseline':>24}")
    for name, results in rows.items():
        total = statistics.median(r["total"] for r in results)
        rate = statistics.median(r["tokens"] / (r["total"] - r.get("ttft", 0)) for r in results)
        ttft = statistics.median(r.get("ttft", r["total"]) for r in results)
        print(f"{name:42} {ms(ttft)} {ms(total)} {rate:9.1f} {ttft / baseline:23.2f}x")


async def open_sockets(url: str, count: int, errors: list) -> list:
    sockets = []

    async def open_one() -> None:
        try:
            ws = await websockets.connect(url, open_timeout=60, ping_interval=None, max_queue=None)
            await receive(ws, 60)
            sockets.append(ws)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(repr(exc))

    for start in range(0, count, 50):
        await asyncio.gather(*(open_one() for _ in range(min(50, count - start))))
    return sockets


async def push_latencies(trigger: ApiUser, sockets: list, pushes: int, errors: list) -> list[float]:
    latencies: list[float] = []

    async def wait_started(ws, since: float) -> None:
        while True:
            message = await receive(ws)
            if message.get("type") == "prompt.started":
                latencies.append(time.perf_counter() - since)
            if message.get("type") == "prompt.done":
                return

    body = {"prompt": PUSH_PROMPT, "send_via_websocket": True, "stream": True}
    async with httpx.AsyncClient(base_url=trigger.server.url, headers=dict(trigger.http.headers), timeout=120) as http:
        for _ in range(pushes):
            since = time.perf_counter()
            waiting = [asyncio.create_task(wait_started(ws, since)) for ws in sockets]
            response = await http.post("/prompts/", json=body)
            if response.status_code != 201:
                errors.append(response.text)
            results = await asyncio.gather(*waiting, return_exceptions=True)
            errors.extend(repr(r) for r in results if isinstance(r, Exception))
    return latencies


async def push_round(label: str, trigger: ApiUser, holder: LiveServer, count: int, pushes: int) -> dict:
    errors: list = []
    sockets = await open_sockets(f"{holder.ws_url}/ws/prompts/?token={trigger.access}", count, errors)
    latencies = await push_latencies(trigger, sockets, pushes, errors)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {"label": label, "open": len(sockets), "samples": latencies, "errors": errors}


def report_pushes(rows: list[dict]) -> None:
    baseline = statistics.median(rows[0]["samples"])
    print("\n== WebSocket push latency: request that causes the push -> arrival on every socket")
    print(f"{'setup':52} {'open':>5} {'samples':>7} {'p50':>11} {'p99':>11} {'errors':>6} {'p50 vs baseline':>15}")
    for row in rows:
        p50, p99 = pct(row["samples"], 50), pct(row["samples"], 99)
        print(
            f"{row['label']:52} {row['open']:5d} {len(row['samples']):7d} {ms(p50)} {ms(p99)}"
            f" {len(row['errors']):6d} {p50 / baseline:14.2f}x"
        )
        for error in row["errors"][:3]:
            print("   error:", error[:200])


def start(tmp: Path, name: str, env: dict, **kwargs) -> LiveServer:
    server = LiveServer(data_dir=tmp / name, env_overrides=env, **kwargs)
    server.data_dir.mkdir()
    return server.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--pushes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="prompts per streaming path")
    parser.add_argument("--redis", default="", help="Redis URL for the two-process round (skipped if empty)")
    parser.add_argument("--skip-streaming", action="store_true", help="only the push latency rounds")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 1,000 sockets on each side; servers inherit it

    env = {"GENERATION_MAX_NEW_TOKENS": "64", "WS_RATE_MESSAGES": "1000"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_streaming:
            streaming = start(tmp, "streaming", env)
            try:
                report_streaming(streaming, args.rounds)
            finally:
                streaming.stop()
        # Push rounds: answers cut to 2 tokens, so each push's generation is short and pushes follow quickly.
        env["GENERATION_MAX_NEW_TOKENS"] = "2"
        # One process, embedded default: in-memory channel layer.
        single = start(tmp, "single", env)
        try:
            trigger = ApiUser(single, f"push_{uuid.uuid4().hex[:8]}")
            rows.append(asyncio.run(push_round("1 socket, one process (baseline)", trigger, single, 1, args.pushes)))
            label = f"{args.sockets} sockets, one process (in-memory layer)"
            rows.append(asyncio.run(push_round(label, trigger, single, args.sockets, args.pushes)))
        finally:
            single.stop()
        if args.redis:
            # Two processes of one deployment: requests on the first, sockets on the second, Redis between.
            redis_env = env | {"REDIS_URL": args.redis, "REDIS_KEY_PREFIX": f"pf-bench-{uuid.uuid4().hex[:8]}"}
            first = start(tmp, "first", redis_env)
            second = None
            try:
                second = start(tmp, "second", redis_env, share_database_with=first)
                trigger = ApiUser(first, f"push_{uuid.uuid4().hex[:8]}")
                label = "1 socket on a second process (Redis)"
                rows.append(asyncio.run(push_round(label, trigger, second, 1, args.pushes)))
                label = f"{args.sockets} sockets on a second process (Redis)"
                rows.append(asyncio.run(push_round(label, trigger, second, args.sockets, args.pushes)))
            finally:
                for server in (second, first):
                    if server is not None:
                        server.stop()
    report_pushes(rows)


if __name__ == "__main__":
    main()
