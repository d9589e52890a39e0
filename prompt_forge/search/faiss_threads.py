"""FAISS_THREADS=auto: the OpenMP thread count a search runs fastest with on this machine.

Measured once per CPU (prompt_forge/ai/tuning.py caches it in MODEL_CACHE_DIR/tuning.json) on the
largest exact index a user can have (FAISS_APPROXIMATE_FROM random vectors): one query on one
thread against one on every core, taken in turn. More threads only for a clear gain: OpenMP
threads spin while they wait, which costs the other requests' CPU on a small, busy machine.
"""

import logging
import os
import statistics
import time

import faiss
import numpy as np

from prompt_forge.ai import tuning

logger = logging.getLogger(__name__)

ROUNDS = 15
MORE_THREADS_GAIN = 1.2
_said: list[bool] = []


def measured_threads(*, dimensions: int, vectors: int) -> int:
    result = tuning.measured(f"faiss-threads:{dimensions}x{vectors}", lambda: measure(dimensions, vectors))
    if not _said:  # every index (prompts', answers') asks; the log says it once
        _said.append(True)
        logger.info("FAISS_THREADS=auto: %d (measured: %s ms a search)", result["threads"], result["search_ms"])
    return int(result["threads"])


def measure(dimensions: int, vectors: int, *, cpus: int | None = None) -> dict:
    rng = np.random.default_rng(0)
    data = rng.standard_normal((vectors, dimensions), dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(dimensions)
    index.add(data)
    counts = sorted({1, cpus or len(os.sched_getaffinity(0))})
    timings: dict[int, list[float]] = {count: [] for count in counts}
    previous = faiss.omp_get_max_threads()
    try:
        for round_number in range(ROUNDS):
            query = data[round_number : round_number + 1]
            for count in counts:
                faiss.omp_set_num_threads(count)
                started = time.perf_counter()
                index.search(query, 5)
                timings[count].append(time.perf_counter() - started)
    finally:
        faiss.omp_set_num_threads(previous)
    search_ms = {str(count): round(1000 * statistics.median(times), 3) for count, times in timings.items()}
    wide = counts[-1]
    threads = wide if search_ms["1"] > MORE_THREADS_GAIN * search_ms[str(wide)] else 1
    return {"threads": threads, "search_ms": search_ms, "vectors": vectors}
