"""A filter keeping 1% of a user's vectors still yields k hits, the k nearest among the kept ones."""

import numpy as np
import pytest

from prompt_forge.search import faiss_structures as structures

N, DIMENSIONS, K = 20_000, 32, 10


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((N, DIMENSIONS)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.arange(1, N + 1, dtype=np.int64) * 3, matrix  # ids unlike row numbers


def nearest_among(ids, matrix, query, allowed, k):
    kept = np.isin(ids, allowed)
    scores = matrix[kept] @ query[0]
    order = np.argsort(-scores, kind="stable")[:k]
    return list(ids[kept][order])


@pytest.mark.parametrize("approximate", [False, True])
def test_a_one_percent_filter_returns_the_k_nearest_kept_vectors(vectors, approximate):
    ids, matrix = vectors
    index = (
        structures.approximate(ids, matrix, probe_fraction=0.05)
        if approximate
        else structures.build(ids, matrix, dimensions=DIMENSIONS, approximate_from=10**9, probe_fraction=0.05)
    )
    assert structures.is_approximate(index) == approximate
    rng = np.random.default_rng(11)
    allowed = np.sort(rng.choice(ids, size=N // 100, replace=False))
    for _trial in range(5):
        query = matrix[rng.integers(N)].reshape(1, -1)
        _scores, found = structures.search_among(index, query, K, allowed)
        assert list(found[0]) == nearest_among(ids, matrix, query, allowed, K)


def test_fewer_kept_vectors_than_k_returns_them_all(vectors):
    ids, matrix = vectors
    index = structures.approximate(ids, matrix, probe_fraction=0.05)
    allowed = ids[[5, 500, 5000]]
    _scores, found = structures.search_among(index, matrix[:1], K, allowed)
    assert sorted(found[0]) == sorted(allowed)


def test_an_empty_filter_finds_nothing(vectors):
    ids, matrix = vectors
    index = structures.build(ids[:100], matrix[:100], dimensions=DIMENSIONS, approximate_from=10**9, probe_fraction=1)
    _scores, found = structures.search_among(index, matrix[:1], K, np.empty(0, dtype=np.int64))
    assert found.size == 0
