"""Does the pipeline's step() hold the GIL? How late a Python thread wakes while the engine decodes.

    .venv/bin/python benchmarks/engine_gil.py

A thread sleeps 2 ms in a loop and records how late it wakes up, while 8 requests decode 128 tokens
each: (1) driven by `step()` in this process, as the engine did before it had a process of its own;
(2) by the pipeline's `generate()`, whose binding releases the GIL; (3) by our engine, which runs the
pipeline in its own process (prompt_forge/ai/openvino_engine/process.py). A late wake-up is time
every other thread of a server (HTTP, database, embeddings) waits for the GIL.
"""

import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generation import QUESTIONS  # noqa: E402
from benchmarks.machine import describe  # noqa: E402
from prompt_forge.ai.base import SamplingParams  # noqa: E402
from prompt_forge.ai.bundled import SMOLLM2_ID, smollm2_gguf  # noqa: E402

TOKENS = 128
NAP_S = 0.002


def wake_delays(work) -> tuple[list[float], float]:
    """(how late each 2 ms nap ended, in ms; seconds the work took)."""
    delays, done = [], threading.Event()

    def napper() -> None:
        while not done.is_set():
            started = time.perf_counter()
            time.sleep(NAP_S)
            delays.append((time.perf_counter() - started - NAP_S) * 1000)

    thread = threading.Thread(target=napper)
    thread.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    done.set()
    thread.join()
    return delays, seconds


def raw_pipeline():
    import openvino_genai

    scheduler = openvino_genai.SchedulerConfig()
    scheduler.enable_prefix_caching = True
    pipeline = openvino_genai.ContinuousBatchingPipeline(str(smollm2_gguf()), scheduler, "CPU")
    tokenizer = pipeline.get_tokenizer()
    prompts = [
        tokenizer.apply_chat_template([{"role": "user", "content": q}], add_generation_prompt=True) for q in QUESTIONS
    ]
    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = TOKENS
    pipeline.generate(["Hello"], [config])  # compiles the first shapes
    return pipeline, prompts, config


def by_step(pipeline, prompts, config) -> None:
    handles = [pipeline.add_request(i, prompt, config) for i, prompt in enumerate(prompts)]
    while pipeline.has_non_finished_requests():
        pipeline.step()
        for handle in handles:
            while handle.can_read():
                handle.read()


def main() -> None:
    print(describe(), flush=True)
    print(f"8 requests x {TOKENS} greedy tokens; a thread naps {NAP_S * 1000:.0f} ms in a loop\n")
    pipeline, prompts, config = raw_pipeline()
    rows = [("nothing running", *wake_delays(lambda: time.sleep(3)))]
    rows.append(("step() in this process", *wake_delays(lambda: by_step(pipeline, prompts, config))))
    rows.append(("generate() in this process", *wake_delays(lambda: pipeline.generate(prompts, [config] * 8))))

    from concurrent.futures import ThreadPoolExecutor

    from prompt_forge.ai.openvino_engine import OpenVINOGenerator

    generator = OpenVINOGenerator(SMOLLM2_ID, max_new_tokens=TOKENS)
    params = SamplingParams(max_new_tokens=TOKENS)

    def ours() -> None:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda q: generator.generate(q, params=params), QUESTIONS))

    rows.append(("our engine (its own process)", *wake_delays(ours)))
    generator.engine.close()
    print("| while | wake-up delay p50 ms | p95 ms | max ms | naps | work s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, delays, seconds in rows:
        p50, p95 = statistics.median(delays), statistics.quantiles(delays, n=20)[18]
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {max(delays):.1f} | {len(delays)} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
