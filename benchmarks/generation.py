"""Generation engine figures against the naive path, side by side in one run (default model, CPU).

    .venv/bin/python benchmarks/generation.py [--clients 1,4,8] [--tokens 128] [--rounds 2]

Paths, each driven through the Generator interface every entry point uses:
- naive: GENERATION_BACKEND=transformers, fp32, one `model.generate` call per request, one at a time;
- engine fp32: continuous batching, float32 weights (GENERATION_QUANTIZE=none);
- engine int8: continuous batching, int8 weights and activations (the default).

Each path runs in a process of its own (torch's thread teams of one path must not slow the next).
Per path: single-stream tokens/s, time to first text (median of 5 short requests), then N concurrent
clients each sending `--rounds` requests of `--tokens` new tokens: aggregate tokens/s and p50/p95
request latency. Then model load: cold (empty cache folder: GGUF read, converted, cached) and
"ready to generate" in a fresh process once the cache exists (imports included, until the first token).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from prompt_forge.ai.base import Generation, SamplingParams  # noqa: E402
from prompt_forge.ai.bundled import SMOLLM2_ID  # noqa: E402

CACHE_DIR = REPO / "data" / "models"
# Questions with long answers: every request should run to its token limit, so paths compare like for like.
QUESTIONS = [
    "Write a long story about a dragon who learns to bake bread.",
    "Explain in detail how a steam engine works.",
    "Describe a walk through a busy market in a big city.",
    "Write a long letter to a friend about your summer holidays.",
    "Explain the history of the printing press in detail.",
    "Describe how to plan a vegetable garden, step by step.",
    "Write a long poem about the four seasons.",
    "Explain how airplanes fly, with as much detail as you can.",
]
NEVER = ("<never-written-stop-string>",)  # a stop string keeps no answer from ending early at length

PATHS = {
    "naive": ("naive (transformers generate, fp32, one at a time)", "transformers", "none"),
    "engine-fp32": ("engine fp32 (continuous batching)", "engine", "none"),
    "engine-int8": ("engine int8 (continuous batching, default)", "engine", "int8"),
}


def build(backend: str, quantize: str, cache_dir: Path, max_batch: int = 8):
    if backend == "transformers":
        from prompt_forge.ai.transformers_generator import TransformersGenerator

        return TransformersGenerator(SMOLLM2_ID, max_new_tokens=512, cache_dir=cache_dir)
    from prompt_forge.ai.engine import EngineGenerator

    return EngineGenerator(SMOLLM2_ID, max_new_tokens=512, cache_dir=cache_dir, quantize=quantize, max_batch=max_batch)


def timed_request(generator, question: str, tokens: int, stop: tuple[str, ...] = NEVER) -> dict:
    started = time.perf_counter()
    first = None
    final = None
    for event in generator.stream(question, params=SamplingParams(max_new_tokens=tokens, stop=stop)):
        if isinstance(event, Generation):
            final = event
        elif first is None:
            first = time.perf_counter() - started
    return {"latency": time.perf_counter() - started, "ttft": first, "tokens": final.completion_tokens}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def concurrent_round(generator, clients: int, rounds: int, tokens: int) -> dict:
    results: list[dict] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for turn in range(rounds):
            result = timed_request(generator, QUESTIONS[(number + turn) % len(QUESTIONS)], tokens)
            with lock:
                results.append(result)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies = [r["latency"] for r in results]
    return {
        "clients": clients,
        "requests": len(results),
        "tokens": sum(r["tokens"] for r in results),
        "aggregate_tokens_per_s": sum(r["tokens"] for r in results) / wall,
        "p50_latency_s": statistics.median(latencies),
        "p95_latency_s": percentile(latencies, 0.95),
    }


READY_SCRIPT = """
import sys, time
sys.path.insert(0, {repo!r})
from benchmarks.generation import build, SamplingParams
generator = build({backend!r}, {quantize!r}, __import__("pathlib").Path({cache!r}))
for event in generator.stream("Hi", params=SamplingParams(max_new_tokens=1)):
    break
print("READY", flush=True)
"""


def ready_in_fresh_process(backend: str, quantize: str, cache_dir: Path) -> float:
    """Seconds from spawning a Python process to its first generated token (imports and load included)."""
    script = READY_SCRIPT.format(repo=str(REPO), backend=backend, quantize=quantize, cache=str(cache_dir))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "READY" in out
    return time.perf_counter() - started


def measure_path(key: str, clients: list[int], tokens: int, rounds: int) -> dict:
    _, backend, quantize = PATHS[key]
    generator = build(backend, quantize, CACHE_DIR)
    timed_request(generator, "Hello", 4)  # warm-up
    single = timed_request(generator, QUESTIONS[0], tokens)
    # Without a stop string: text that might begin one is held back, which would delay the first piece.
    first_text = statistics.median(timed_request(generator, q, 8, stop=())["ttft"] for q in QUESTIONS[:5])
    path = {
        "single_stream_tokens_per_s": single["tokens"] / single["latency"],
        "single_ttft_s": first_text,
        "single_tokens": single["tokens"],
        "concurrent": [concurrent_round(generator, n, rounds, tokens) for n in clients],
    }
    engine = getattr(generator, "engine", None)
    if engine is not None:
        engine.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=2, help="requests per client")
    parser.add_argument("--skip-load", action="store_true", help="skip the cold/cached load measurements")
    parser.add_argument("--path", choices=PATHS, help="measure this path only, in this process")
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",")]
    if args.path:
        print("RESULT " + json.dumps(measure_path(args.path, clients, args.tokens, args.rounds)), flush=True)
        return
    report = {"load_average_1m_start": os.getloadavg()[0], "paths": {}}

    for key, (label, _, _) in PATHS.items():
        command = [sys.executable, __file__, "--path", key, "--clients", args.clients,
                   "--tokens", str(args.tokens), "--rounds", str(args.rounds)]  # fmt: skip
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        path = json.loads(out.split("RESULT ", 1)[1])
        report["paths"][label] = path
        print(label, json.dumps(path), flush=True)

    if not args.skip_load:
        with tempfile.TemporaryDirectory() as empty:
            started = time.perf_counter()
            build("engine", "int8", Path(empty))
            cold_engine = time.perf_counter() - started
            report["load"] = {
                "engine_int8_cold_s": cold_engine,
                "engine_int8_ready_cached_s": ready_in_fresh_process("engine", "int8", Path(empty)),
                "naive_ready_cached_s": ready_in_fresh_process("transformers", "none", Path(empty)),
            }
        print("load", json.dumps(report["load"]), flush=True)
    report["load_average_1m_end"] = os.getloadavg()[0]
    print_table(report, clients)
    (REPO / "data" / "bench").mkdir(parents=True, exist_ok=True)
    (REPO / "data" / "bench" / "generation.json").write_text(json.dumps(report, indent=1))


def print_table(report: dict, clients: list[int]) -> None:
    print("\n| path | single tokens/s | single TTFT ms | " + " | ".join(
        f"{n} clients: tokens/s, p50 / p95 s" for n in clients) + " |")  # fmt: skip
    print("|---|---:|---:|" + "---:|" * len(clients))
    naive = next(iter(report["paths"].values()))
    for label, path in report["paths"].items():
        cells = [
            f"{r['aggregate_tokens_per_s']:.1f} ({r['aggregate_tokens_per_s'] / n['aggregate_tokens_per_s']:.1f}x), "
            f"{r['p50_latency_s']:.1f} / {r['p95_latency_s']:.1f}"
            for r, n in zip(path["concurrent"], naive["concurrent"], strict=True)
        ]
        print(
            f"| {label} | {path['single_stream_tokens_per_s']:.1f} | {path['single_ttft_s'] * 1000:.0f} | "
            + " | ".join(cells) + " |"
        )  # fmt: skip
    if "load" in report:
        print("\n" + json.dumps(report["load"]))


if __name__ == "__main__":
    main()
