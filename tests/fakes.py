"""Deterministic stand-ins for the models, for fast in-process tests (never used by the product)."""

import hashlib
import re

import numpy as np

from prompt_forge.ai.base import Generation, ModelError

DIMENSIONS = 384


class FakeEmbedder:
    """Bag-of-words hashed into 384 dims: texts sharing words are similar, as with a real embedder."""

    model_name = "fake-embedder"
    dimensions = DIMENSIONS

    def __init__(self, model_id: str = "") -> None:
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMENSIONS
                rows[row, bucket] += 1.0
            norm = np.linalg.norm(rows[row])
            rows[row] = rows[row] / norm if norm else rows[row]
            if not norm:
                rows[row, 0] = 1.0
        return rows


class FakeGenerator:
    model_name = "fake-generator"
    fail_with: str | None = None

    def __init__(self, model_id: str = "", **kwargs) -> None:
        pass

    def generate(self, prompt: str, *, max_new_tokens: int | None = None) -> Generation:
        if FakeGenerator.fail_with:
            raise ModelError(FakeGenerator.fail_with)
        return Generation(
            text=f"Answer to: {prompt}",
            model=self.model_name,
            prompt_tokens=len(prompt.split()),
            completion_tokens=3,
            duration_ms=1.0,
            params={"max_new_tokens": max_new_tokens or 8, "decoding": "greedy"},
        )
