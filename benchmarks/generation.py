"""Our generator against the anchor, side by side in one run (default model, greedy, CPU).

    .venv/bin/python benchmarks/generation.py --quick      # smoke: 1 round, 32 tokens, 2 clients
    .venv/bin/python benchmarks/generation.py              # 3 alternating rounds, 128 tokens, 8 clients

- ours: the in-process generator every entry point uses (prompt_forge/ai/openvino_engine), through
  the Generator interface: streaming, stop strings, one engine thread, 8 requests at once from threads;
- anchor: OpenVINO GenAI's ContinuousBatchingPipeline on the same GGUF file, driven by its own
  `generate()` (prompt strings in, a streamer for the first token), with the library's defaults;
- POST /prompts/: ours behind a live server (uvicorn, the real models), one client, then 8 at once.

Each round measures both engines in turn (so load on the machine hits both alike), each in a process
of its own (two OpenVINO pipelines in one process slow each other down: the second decoded at half
its speed): single-stream decode tokens/s, time to first token, 8-concurrent aggregate tokens/s.
Medians over the rounds and ours/anchor ratios are printed with the CPU model; decode rates count
tokens after the first one.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.machine import describe  # noqa: E402
from prompt_forge.ai.base import Generation, SamplingParams  # noqa: E402
from prompt_forge.ai.bundled import SMOLLM2_ID, smollm2_gguf  # noqa: E402

# Questions with long answers: every request should run to its token limit, so engines compare alike.
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
NEVER = ("<never-written-stop-string>",)


class Ours:
    name = "ours"

    def __init__(self) -> None:
        from prompt_forge.ai.openvino_engine import OpenVINOGenerator

        self.generator = OpenVINOGenerator(SMOLLM2_ID, max_new_tokens=1024)

    def one(self, question: str, tokens: int, stop: tuple[str, ...] = NEVER) -> dict:
        started, first, final = time.perf_counter(), None, None
        for event in self.generator.stream(question, params=SamplingParams(max_new_tokens=tokens, stop=stop)):
            if isinstance(event, Generation):
                final = event
            elif first is None:
                first = time.perf_counter() - started
        return {"seconds": time.perf_counter() - started, "ttft": first, "tokens": final.completion_tokens}

    def many(self, questions: list[str], tokens: int) -> dict:
        started = time.perf_counter()
        with ThreadPoolExecutor(len(questions)) as pool:
            results = list(pool.map(lambda q: self.one(q, tokens), questions))
        return {"seconds": time.perf_counter() - started, "tokens": sum(r["tokens"] for r in results)}


class Anchor:
    name = "anchor"

    def __init__(self) -> None:
        import openvino_genai

        self.ov = openvino_genai
        scheduler = openvino_genai.SchedulerConfig()
        scheduler.enable_prefix_caching = True
        self.pipeline = openvino_genai.ContinuousBatchingPipeline(str(smollm2_gguf()), scheduler, "CPU")
        self.tokenizer = self.pipeline.get_tokenizer()

    def _prompt(self, question: str) -> str:
        return self.tokenizer.apply_chat_template([{"role": "user", "content": question}], add_generation_prompt=True)

    def _config(self, tokens: int):
        config = self.ov.GenerationConfig()
        config.max_new_tokens = tokens
        return config

    def one(self, question: str, tokens: int, stop: tuple[str, ...] = ()) -> dict:
        started, first = time.perf_counter(), []

        def streamer(_text):
            if not first:
                first.append(time.perf_counter() - started)
            return self.ov.StreamingStatus.RUNNING

        result = self.pipeline.generate([self._prompt(question)], [self._config(tokens)], streamer)[0]
        ids = self.tokenizer.encode(result.m_generation_ids[0], add_special_tokens=False).input_ids.data[0]
        return {"seconds": time.perf_counter() - started, "ttft": first[0] if first else None, "tokens": len(ids)}

    def many(self, questions: list[str], tokens: int) -> dict:
        started = time.perf_counter()
        results = self.pipeline.generate([self._prompt(q) for q in questions], [self._config(tokens)] * len(questions))
        count = sum(
            len(self.tokenizer.encode(r.m_generation_ids[0], add_special_tokens=False).input_ids.data[0])
            for r in results
        )
        return {"seconds": time.perf_counter() - started, "tokens": count}


def decode_rate(result: dict) -> float:
    return (result["tokens"] - 1) / (result["seconds"] - result["ttft"])


def short_ttft(engine, questions: list[str]) -> float:
    # Without a stop string: text that might begin one is held back, which would delay the first piece.
    return statistics.median(engine.one(q, 8, stop=())["ttft"] for q in questions)


def through_the_server(tokens: int, clients: int, rounds: int, port: int | None = None) -> dict:
    """POST /prompts/ on a live server: single-client and `clients`-concurrent tokens/s (medians)."""
    from tests.e2e.conftest import ApiUser, LiveServer

    with tempfile.TemporaryDirectory() as tmp:
        env = {"GENERATION_MAX_NEW_TOKENS": str(tokens), "OMP_NUM_THREADS": "1"}
        server = LiveServer(data_dir=Path(tmp), env_overrides=env)
        if port:
            server.port, server.url = port, f"http://127.0.0.1:{port}"
        server.start()
        try:
            user = ApiUser(server, "bench")

            def post(question: str) -> int:
                response = user.http.post("/prompts/", json={"prompt": question, "stop": list(NEVER)})
                response.raise_for_status()
                return response.json()["metadata"]["extra_info"]["completion_tokens"]

            post("Hello")  # warm-up
            single, together = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                single.append(post(QUESTIONS[0]) / (time.perf_counter() - started))
                started = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    count = sum(pool.map(post, [QUESTIONS[i % len(QUESTIONS)] for i in range(clients)]))
                together.append(count / (time.perf_counter() - started))
            return {"single": statistics.median(single), "aggregate": statistics.median(together)}
        finally:
            server.stop()


def measure_in_this_process(name: str, question: str, tokens: int, clients: int) -> dict:
    engine = Ours() if name == "ours" else Anchor()
    engine.one("Hello", 4)  # warm-up
    single = engine.one(question, tokens)
    figures = {"decode": decode_rate(single), "ttft": short_ttft(engine, QUESTIONS[:3])}
    many = engine.many([QUESTIONS[i % len(QUESTIONS)] for i in range(clients)], tokens)
    figures["aggregate"] = many["tokens"] / many["seconds"]
    if isinstance(engine, Ours):
        engine.generator.engine.close()
    return figures


def measure_in_a_process(name: str, question: int, tokens: int, clients: int) -> dict:
    command = [sys.executable, __file__, "--engine", name, "--question", str(question),
               "--tokens", str(tokens), "--clients", str(clients)]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.split("RESULT ", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round, 32 tokens, 2 clients")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--skip-server", action="store_true", help="skip the POST /prompts/ figures")
    parser.add_argument("--only-server", action="store_true", help="only the POST /prompts/ figures")
    parser.add_argument("--port", type=int, help="the live server's port (default: any free one)")
    parser.add_argument("--engine", choices=["ours", "anchor"], help=argparse.SUPPRESS)  # one measurement
    parser.add_argument("--question", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.engine:
        figures = measure_in_this_process(args.engine, QUESTIONS[args.question], args.tokens, args.clients)
        print("RESULT " + json.dumps(figures), flush=True)
        return
    rounds, tokens, clients = (1, 32, 2) if args.quick else (args.rounds, args.tokens, args.clients)
    print(describe(), flush=True)
    print(f"{rounds} round(s), {tokens} greedy tokens, {clients} concurrent", flush=True)
    if not args.only_server:
        compare_engines(rounds, tokens, clients)
    if not args.skip_server:
        server = through_the_server(tokens, clients, rounds, args.port)
        print(f"\nPOST /prompts/: {server['single']:.1f} tok/s single, {server['aggregate']:.1f} tok/s at {clients}")


def compare_engines(rounds: int, tokens: int, clients: int) -> None:
    names = ["ours", "anchor"]
    figures = {name: {"decode": [], "ttft": [], "aggregate": []} for name in names}
    for number in range(rounds):
        for name in names if number % 2 == 0 else names[::-1]:  # alternate who goes first
            result = measure_in_a_process(name, number % len(QUESTIONS), tokens, clients)
            for key, value in result.items():
                figures[name][key].append(value)
            print(name, {k: round(v, 3) for k, v in result.items()}, flush=True)
    median = {name: {k: statistics.median(v) for k, v in f.items()} for name, f in figures.items()}
    ours, anchor = median["ours"], median["anchor"]
    print(f"\n| engine | decode tok/s | first token ms | {clients} concurrent tok/s |")
    print("|---|---:|---:|---:|")
    for name, m in median.items():
        print(f"| {name} | {m['decode']:.1f} | {m['ttft'] * 1000:.0f} | {m['aggregate']:.1f} |")
    print(
        f"| ours / anchor | {ours['decode'] / anchor['decode']:.2f}x | {ours['ttft'] / anchor['ttft']:.2f}x | "
        f"{ours['aggregate'] / anchor['aggregate']:.2f}x |"
    )


if __name__ == "__main__":
    main()
