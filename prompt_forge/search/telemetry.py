"""Search events reported to the Prometheus metrics declared in prompt_forge.common.metrics."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prompt_forge.common import metrics


@contextmanager
def timed_search(backend: str) -> Iterator[None]:
    """Time one nearest-neighbour search (the query embedding is not included)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        metrics.SIMILAR_SEARCH_SECONDS.labels(backend=backend).observe(time.perf_counter() - started)


def cache_lookup(*, hit: bool) -> None:
    (metrics.SEMANTIC_CACHE_HITS if hit else metrics.SEMANTIC_CACHE_MISSES).inc()


def index_size(*, vectors: int, users: int) -> None:
    metrics.INDEX_VECTORS.set(vectors)
    metrics.INDEX_USERS.set(users)
