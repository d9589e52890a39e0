"""Search events for Prometheus. The metrics are declared once, in prompt_forge.common.metrics;
this module only reports to them, and does nothing in a build without that module."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

try:
    from prompt_forge.common import metrics
except ImportError:  # pragma: no cover - builds without the metrics module
    metrics = None


def _metric(name: str):
    return getattr(metrics, name, None) if metrics is not None else None


@contextmanager
def timed_search(backend: str) -> Iterator[None]:
    """Time one nearest-neighbour search (the query embedding is not included)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        histogram = _metric("SIMILAR_SEARCH_SECONDS")
        if histogram is not None:
            histogram.labels(backend=backend).observe(time.perf_counter() - started)


def cache_lookup(*, hit: bool) -> None:
    counter = _metric("SEMANTIC_CACHE_HITS" if hit else "SEMANTIC_CACHE_MISSES")
    if counter is not None:
        counter.inc()


def index_size(*, vectors: int, users: int) -> None:
    for name, value in (("INDEX_VECTORS", vectors), ("INDEX_USERS", users)):
        gauge = _metric(name)
        if gauge is not None:
            gauge.set(value)
