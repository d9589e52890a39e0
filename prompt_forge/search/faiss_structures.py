"""The two FAISS structures a user's vectors live in, and moving vectors between them.

- Exact: a flat inner-product index (IndexIDMap2 over IndexFlatIP). Every search scans all of the
  user's vectors; used up to `approximate_from` vectors.
- Approximate: an inverted-file index (IndexIVFFlat, about sqrt(n) clusters). A search scans the
  clusters closest to the query (`probe_fraction` of them), so its cost grows far slower than n.
  Vectors are stored uncompressed: the scores are exact, only rarely-missed neighbours differ.
  Both support deletion by id, which the change log needs.
"""

import math

import faiss
import numpy as np

TRAINING_POINTS_PER_LIST = 64
EXACT_AMONG = 20_000  # a filter keeping at most this many ids is searched exactly


def exact(dimensions: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimensions))


def is_approximate(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVF)


def configure(index: faiss.Index, probe_fraction: float) -> faiss.Index:
    if is_approximate(index):
        index.nprobe = max(1, math.ceil(index.nlist * probe_fraction))
    return index


def approximate(ids: np.ndarray, matrix: np.ndarray, *, probe_fraction: float, seed: int = 1234) -> faiss.Index:
    """An IVF index over these vectors, its clusters trained on a sample of them."""
    dimensions = matrix.shape[1]
    lists = max(16, int(math.sqrt(len(ids))))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimensions), dimensions, lists, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(ids), size=min(len(ids), lists * TRAINING_POINTS_PER_LIST), replace=False)
    index.cp.min_points_per_centroid = 1  # a small sample is fine: clusters only route the search
    index.train(np.ascontiguousarray(matrix[np.sort(sample)]))
    index.add_with_ids(matrix, ids)
    return configure(index, probe_fraction)


def build(ids: np.ndarray, matrix: np.ndarray, *, dimensions: int, approximate_from: int, probe_fraction: float):
    if len(ids) >= approximate_from:
        return approximate(ids, matrix, probe_fraction=probe_fraction)
    index = exact(dimensions)
    if len(ids):
        index.add_with_ids(matrix, ids)
    return index


def contents(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) held by either structure, copied out."""
    if not is_approximate(index):
        ids = faiss.vector_to_array(index.id_map).astype(np.int64)
        flat = faiss.downcast_index(index.index)
        matrix = faiss.rev_swig_ptr(flat.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
        return ids, np.array(matrix, dtype=np.float32)
    lists = index.invlists
    all_ids, all_vectors = [], []
    for number in range(index.nlist):
        size = lists.list_size(number)
        if size:
            all_ids.append(np.array(faiss.rev_swig_ptr(lists.get_ids(number), size), dtype=np.int64))
            codes = faiss.rev_swig_ptr(lists.get_codes(number), size * index.code_size)
            all_vectors.append(np.frombuffer(bytes(codes), dtype=np.float32).reshape(size, index.d))
    if not all_ids:
        return np.empty(0, dtype=np.int64), np.empty((0, index.d), dtype=np.float32)
    return np.concatenate(all_ids), np.vstack(all_vectors)


def ids_of(index: faiss.Index) -> np.ndarray:
    if not is_approximate(index):
        return faiss.vector_to_array(index.id_map)
    lists = index.invlists
    chunks = [
        np.array(faiss.rev_swig_ptr(lists.get_ids(n), lists.list_size(n)), dtype=np.int64)
        for n in range(index.nlist)
        if lists.list_size(n)
    ]
    return np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)


def search_among(index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest of the `allowed` ids only (a filter), complete whenever k of them are in the index.

    FAISS skips every other id during the scan (an id selector), so a filter keeping 1% of the vectors
    still yields k hits. An approximate index scans every cluster for a small candidate set (exact: a
    distance is computed for the allowed ids only); for a large one it probes its usual clusters and
    scans them all only when those held fewer than k allowed ids.
    """
    k = min(k, int(allowed.size), index.ntotal)
    if k < 1:
        return np.empty((1, 0), dtype=np.float32), np.empty((1, 0), dtype=np.int64)
    selector = faiss.IDSelectorBatch(allowed)
    if not is_approximate(index):
        return index.search(query, k, params=faiss.SearchParameters(sel=selector))
    small = allowed.size <= max(EXACT_AMONG, index.ntotal // 5)
    nprobe = index.nlist if small else index.nprobe
    scores, ids = index.search(query, k, params=faiss.SearchParametersIVF(sel=selector, nprobe=nprobe))
    if int((ids[0] != -1).sum()) < k and nprobe < index.nlist:
        scores, ids = index.search(query, k, params=faiss.SearchParametersIVF(sel=selector, nprobe=index.nlist))
    return scores, ids
