"""Interfaces every generation and embedding backend implements."""

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class ModelError(Exception):
    """A model failed to load or to produce output; the API answers 503."""


@dataclass(frozen=True)
class Generation:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    duration_ms: float
    params: dict = field(default_factory=dict)


class Generator(Protocol):
    model_name: str

    def generate(self, prompt: str, *, max_new_tokens: int | None = None) -> Generation: ...


class Embedder(Protocol):
    model_name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...
