"""Embedding speed of each EMBEDDING_PRECISION on this machine, side by side in one process.

    .venv/bin/python benchmarks/embedding.py [--rounds 7] [--queries 60] [--texts 1024]

For each precision (float32 on torch is the anchor; openvino; bfloat16 where the CPU computes it
natively; int8): a query (one short text, through `embed` as a search embeds it, on one thread and
on every core) and a bulk batch (`--texts` generated prompts, as an import embeds them), precisions
taken in turn within each round so that other work on the machine slows them alike; medians over
the rounds. Prints milliseconds a query, texts a second, both as ratios to float32, and each
precision's lowest cosine to float32's vectors over the bulk texts.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402
from benchmarks.machine import describe  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--queries", type=int, default=60, help="queries timed per precision and round")
    parser.add_argument("--texts", type=int, default=1024, help="texts in the bulk batch")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MODEL_CACHE_DIR", str(Path(tempfile.gettempdir()) / "prompt-forge-embedding-bench"))
    import django

    django.setup()
    import numpy as np

    from prompt_forge.ai.embedding_tuning import native_bfloat16
    from prompt_forge.ai.sentence_embedder import SentenceTransformerEmbedder
    from prompt_forge.ai.threads import cpu_count

    names = ["float32", "openvino", *(["bfloat16"] if native_bfloat16() else []), "int8"]
    embedders = {name: SentenceTransformerEmbedder("all-MiniLM-L6-v2", precision=name) for name in names}
    texts = corpus.texts(args.texts, seed=11)
    exact = embedders["float32"].embed(texts)
    cosines = {name: float(np.min(np.sum(exact * e.embed(texts), axis=1))) for name, e in embedders.items()}
    thread_counts = sorted({1, cpu_count()})
    query_ms = {(name, t): [] for name in names for t in thread_counts}
    bulk_rate = {name: [] for name in names}
    for round_number in range(args.rounds):
        for name, embedder in embedders.items():
            for threads in thread_counts:
                embedder.query_threads = threads
                times = []
                for number in range(args.queries):
                    text = [texts[(round_number * args.queries + number) % len(texts)]]
                    started = time.perf_counter()
                    embedder.embed(text)
                    times.append(time.perf_counter() - started)
                query_ms[name, threads].append(1000 * statistics.median(times))
            started = time.perf_counter()
            embedder.embed(texts)
            bulk_rate[name].append(len(texts) / (time.perf_counter() - started))
        print(f"round {round_number + 1}/{args.rounds} done, load average {os.getloadavg()[0]:.1f}", flush=True)

    print(f"\n{describe()} (at the end)")
    anchor_query = {t: statistics.median(query_ms["float32", t]) for t in thread_counts}
    anchor_bulk = statistics.median(bulk_rate["float32"])
    header = " | ".join(f"query ms, {t} thread(s) (x float32)" for t in thread_counts)
    print(f"{'precision':>10} | {header} | bulk texts/s (x float32) | min cosine to float32")
    for name in names:
        cells = []
        for t in thread_counts:
            ms = statistics.median(query_ms[name, t])
            cells.append(f"{ms:8.2f} ({anchor_query[t] / ms:4.2f}x faster)")
        rate = statistics.median(bulk_rate[name])
        print(f"{name:>10} | {' | '.join(cells)} | {rate:8.0f} ({rate / anchor_bulk:4.2f}x) | {cosines[name]:.6f}")


if __name__ == "__main__":
    main()
