"""How a sentence-transformers model computes on torch: a query on the caller's threads, a bulk batch
on every core. The OpenVINO runner (openvino_embedder.py) has the same two methods."""

import contextlib
import copy

import numpy as np
import torch

from .threads import cpu_count


class TorchRunner:
    def __init__(self, model, *, bfloat16: bool = False) -> None:
        self.model = model
        self._bfloat16 = bfloat16

    @classmethod
    def bfloat16(cls, model, *, copy_model: bool = False) -> "TorchRunner":
        """The model with its Linear weights stored in bfloat16 (autocast would round them on every call
        anyway: the same vectors, bit for bit, ~1 ms less per query)."""
        model = copy.deepcopy(model) if copy_model else model
        for module in model.modules():
            if isinstance(module, torch.nn.Linear):
                module.to(torch.bfloat16)
        return cls(model, bfloat16=True)

    def _arithmetic(self):
        if self._bfloat16:
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def query(self, texts: list[str], *, threads: int) -> np.ndarray:
        """What `encode` computes for a few texts, without its per-call bookkeeping (eval(), device
        lookup, sorting and batching: ~1 ms of a ~12 ms query)."""
        torch.set_num_threads(threads)
        with torch.inference_mode(), self._arithmetic():
            vectors = self.model(self.model.preprocess(texts))["sentence_embedding"]
            vectors = torch.nn.functional.normalize(vectors.float(), p=2, dim=1)
        return vectors.numpy()

    def bulk(self, texts: list[str]) -> np.ndarray:
        torch.set_num_threads(cpu_count())
        with self._arithmetic():
            return self.model.encode(
                texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
