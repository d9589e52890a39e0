"""EMBEDDING_PRECISION=auto: the accurate option that embeds a query fastest on this machine.

The candidates: float32 on torch (the reference), float32 on OpenVINO, and bfloat16 on torch where
the CPU computes bfloat16 natively. A candidate counts only if its vectors stay within cosine
MIN_COSINE of float32's (so it keeps the model's name). Each embeds the same short texts as queries
(one text, on one thread and on every core) and as a bulk batch, candidates taken in turn so that
other work on the machine slows them alike. The fastest query wins: a search waits for one, while
an import's rate is reported beside it. Measured once per CPU and cached (tuning.py).
"""

import logging
import statistics
import time

import numpy as np
import torch

from . import tuning
from .embedding_runners import TorchRunner
from .threads import cpu_count

logger = logging.getLogger(__name__)

# What the measurement encodes: short texts like prompts.
SAMPLE = [f"Sample prompt number {n}: how do I {verb} a {thing}?" for n, (verb, thing) in enumerate(
    [(v, t) for v in ("bake", "fix", "paint", "plan") for t in
     ("bicycle", "garden", "cake", "website", "boat", "song", "house", "language")]
)]  # fmt: skip
MIN_COSINE = 0.999  # to float32's vectors, for a precision that keeps the model's name
MORE_THREADS_GAIN = 1.2  # more threads per query only for a clear gain: each request thread starts a team
QUERY_ROUNDS = 15
BULK_ROUNDS = 3
# The cache key names the candidate set: a cache measured before OpenVINO was one is measured again.
KEY = "embedding-v2:{model_id}"


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 products natively (else they are emulated: slower than float32)."""
    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


def build(name: str, model, source: str):
    """The runner of one candidate."""
    if name == "openvino":
        from django.conf import settings

        from .openvino_embedder import OpenVINOEncoder

        return OpenVINOEncoder(model, source, settings.MODEL_CACHE_DIR)
    if name == "bfloat16":
        return TorchRunner.bfloat16(model, copy_model=True)
    return TorchRunner(model)


def tuned_runner(model, model_id: str, source: str) -> tuple[str, int, object]:
    """(precision, query threads, runner) this machine measured fastest, from the cache or measured now."""
    built: dict[str, object] = {}

    def measure() -> dict:
        built.update(_candidates(model, source))
        previous = torch.get_num_threads()
        try:
            return _measure(built)
        finally:
            torch.set_num_threads(previous)  # as it was: the measurement ran torch on every core

    result = tuning.measured(KEY.format(model_id=model_id), measure)
    precision, threads = result["precision"], int(result["query_threads"])
    runner = built.get(precision)
    if runner is None:
        try:
            runner = build(precision, model, source)
        except Exception:  # noqa: BLE001 - e.g. the runtime measured then is gone: fall back to torch
            logger.warning("EMBEDDING_PRECISION=auto: %s failed to load; using float32", precision, exc_info=True)
            precision, runner = "float32", TorchRunner(model)
    logger.info(
        "EMBEDDING_PRECISION=auto: %s, queries on %d thread(s) (measured on %s: query ms %s, bulk texts/s %s)",
        precision, threads, tuning.cpu_signature(), result.get("query_ms"), result.get("texts_per_s"),
    )  # fmt: skip
    return precision, threads, runner


def _candidates(model, source: str) -> dict[str, object]:
    names = ["float32", "openvino", *(["bfloat16"] if native_bfloat16() else [])]
    runners = {}
    for name in names:
        try:
            runners[name] = build(name, model, source)
        except Exception:  # noqa: BLE001 - a runtime that cannot run this model is no candidate
            logger.warning("embedding candidate %s could not load this model; not measured", name, exc_info=True)
    return runners


def _accurate(runners: dict[str, object]) -> dict[str, object]:
    exact = runners["float32"].bulk(SAMPLE)
    kept = {}
    for name, runner in runners.items():
        bulk = runner.bulk(SAMPLE)
        alone = np.concatenate([runner.query([text], threads=1) for text in SAMPLE[:4]])
        cosine = min(float(np.min(np.sum(exact * bulk, axis=1))), float(np.min(np.sum(exact[:4] * alone, axis=1))))
        if cosine >= MIN_COSINE:
            kept[name] = runner
        else:
            logger.info("embedding candidate %s: cosine %.5f to float32, below %s; not used", name, cosine, MIN_COSINE)
    return kept


def _measure(runners: dict[str, object]) -> dict:
    runners = _accurate(runners)
    thread_counts = sorted({1, cpu_count()})
    timings: dict[tuple[str, int], list[float]] = {(name, t): [] for name in runners for t in thread_counts}
    for round_number in range(QUERY_ROUNDS):
        text = [SAMPLE[round_number % len(SAMPLE)]]
        for name, threads in timings:
            started = time.perf_counter()
            runners[name].query(text, threads=threads)
            timings[name, threads].append(time.perf_counter() - started)
    query_ms = {
        name: {str(t): round(1000 * statistics.median(timings[name, t]), 2) for t in thread_counts} for name in runners
    }
    bulk = dict.fromkeys(runners, float("inf"))
    for _ in range(BULK_ROUNDS):
        for name, runner in runners.items():
            started = time.perf_counter()
            runner.bulk(SAMPLE)
            bulk[name] = min(bulk[name], time.perf_counter() - started)
    precision = min(runners, key=lambda name: min(query_ms[name].values()))
    one, wide = query_ms[precision]["1"], query_ms[precision][str(thread_counts[-1])]
    query_threads = thread_counts[-1] if one > MORE_THREADS_GAIN * wide else 1
    return {
        "precision": precision,
        "query_threads": query_threads,
        "query_ms": query_ms,
        "texts_per_s": {name: round(len(SAMPLE) / seconds, 1) for name, seconds in bulk.items()},
    }
