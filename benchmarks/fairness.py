"""Is the engine fair to short requests while a long prompt is read? (in-process, default model)

    .venv/bin/python benchmarks/fairness.py --quick          # smoke: a 1,000-token prompt, 2 runs
    .venv/bin/python benchmarks/fairness.py                  # the longest admitted prompt, 5 runs
    .venv/bin/python benchmarks/fairness.py --chunks 64,256  # compare GENERATION_PREFILL_CHUNK_TOKENS

For each chunk size (a fresh engine each): a short question's latency alone (median), then the same
question sent while a long prompt (GENERATION_MAX_PROMPT_TOKENS tokens by default, a new one each run
so no cache helps it) is being read, and the ratio of the two (target: at most 2x). Also the long
prompt's own time to its first token, and the RSS of this process and the engine process together
before the first long prompt and a second after the last (memory must come back to where it was).
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from benchmarks.machine import describe, rss_mb  # noqa: E402
from prompt_forge.ai.base import SamplingParams  # noqa: E402
from prompt_forge.ai.bundled import SMOLLM2_ID  # noqa: E402

SHORT = "What is the capital of France?"
SHORT_PARAMS = SamplingParams(max_new_tokens=32)
SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank. "


def long_prompt(generator, tokens: int, run: int) -> str:
    """About `tokens` tokens (chat template included), different for every run."""
    head = f"Document {run} ({time.time_ns()}). Summarise it.\n"
    text = head + SENTENCE * max(1, tokens // 13)
    while generator.count_tokens(text) > tokens:
        text = text[: int(len(text) * 0.97)]
    return text


def timed(generator, prompt: str, params: SamplingParams) -> float:
    started = time.perf_counter()
    generator.generate(prompt, params=params)
    return time.perf_counter() - started


def measure(chunk: int, long_tokens: int, runs: int) -> dict:
    from prompt_forge.ai.openvino_engine import OpenVINOGenerator

    generator = OpenVINOGenerator(SMOLLM2_ID, max_new_tokens=128, prefill_chunk_tokens=chunk)
    alone = statistics.median(timed(generator, SHORT, SHORT_PARAMS) for _ in range(max(3, runs)))

    def rss() -> float:  # this process and the engine's
        return rss_mb() + rss_mb(generator.engine.pid)

    rss_before = rss()
    beside, long_first_token = [], []
    for run in range(runs):
        prompt = long_prompt(generator, long_tokens, run)
        reading = threading.Thread(
            target=lambda p=prompt: long_first_token.append(timed(generator, p, SamplingParams(max_new_tokens=1)))
        )
        reading.start()
        time.sleep(0.05)  # the long prompt is admitted and being read
        beside.append(timed(generator, SHORT, SHORT_PARAMS))
        still_reading = reading.is_alive()
        reading.join()
        if not still_reading:
            print(f"  run {run}: the long prompt was read before the short answer ended", flush=True)
    time.sleep(1)  # the engine gives memory back once it is idle
    rss_after = rss()
    generator.engine.close()
    return {
        "chunk": chunk,
        "short_alone_s": alone,
        "short_beside_long_s": statistics.median(beside),
        "ratio": statistics.median(beside) / alone,
        "long_first_token_s": statistics.median(long_first_token),
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
    }


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: a 1,000-token prompt, 2 runs")
    parser.add_argument("--chunks", default=str(settings.GENERATION_PREFILL_CHUNK_TOKENS))
    parser.add_argument("--long-tokens", type=int, default=settings.GENERATION_MAX_PROMPT_TOKENS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    long_tokens, runs = (1000, 2) if args.quick else (args.long_tokens, args.runs)
    print(describe(), flush=True)
    print(f"short: {SHORT!r} ({SHORT_PARAMS.max_new_tokens} tokens at most); long prompt: {long_tokens} tokens")
    header = "| prefill chunk | short alone s | short beside long s | ratio | long prompt to first token s |"
    print(header + " RSS MB before / after |")
    print("|---:|---:|---:|---:|---:|---:|")
    for chunk in (int(value) for value in args.chunks.split(",")):
        r = measure(chunk, long_tokens, runs)
        print(
            f"| {chunk} | {r['short_alone_s']:.3f} | {r['short_beside_long_s']:.3f} | {r['ratio']:.2f}x | "
            f"{r['long_first_token_s']:.2f} | {r['rss_before_mb']:.0f} / {r['rss_after_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
