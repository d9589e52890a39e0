"""Interfaces every generation and embedding backend implements."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class ModelError(Exception):
    """A model failed to load or to produce output; the API answers 503."""


class UpstreamError(ModelError):
    """A remote inference server failed or answered with an error; the API answers 502.

    `fallback` says whether another model may be tried instead: yes for a connection error, a timeout
    or a 5xx answer (the server is in trouble), no for a 4xx (the request itself was refused)."""

    def __init__(self, message: str, *, fallback: bool = True) -> None:
        super().__init__(message)
        self.fallback = fallback


class UpstreamTimeoutError(UpstreamError):
    """A remote inference server did not answer in time; the API answers 504."""


# A prompt is either plain text or a chat conversation: [{"role": "user", "content": "..."}, ...].
PromptInput = str | list[dict]


@dataclass(frozen=True)
class SamplingParams:
    """Per-request decoding settings. The defaults mean greedy decoding up to the configured length."""

    max_new_tokens: int | None = None  # None: GENERATION_MAX_NEW_TOKENS
    temperature: float = 0.0  # 0 means greedy
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None  # with temperature > 0: the same seed gives the same answer


@dataclass(frozen=True)
class Generation:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    duration_ms: float
    params: dict = field(default_factory=dict)
    finish_reason: str = "stop"  # "stop" (end of answer or stop string) or "length" (max tokens reached)


class Generator(Protocol):
    model_name: str
    context_length: int  # tokens the model reads in all: the rendered prompt plus the answer

    def count_tokens(self, prompt: PromptInput) -> int:
        """Tokens `prompt` takes once rendered as the model reads it (through its chat template)."""
        ...

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation: ...

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Iterator[str | Generation]:
        """Yield each new piece of text as soon as it is decoded, then one final Generation.

        The final Generation's text equals the concatenation of the yielded pieces. Closing the
        iterator early (client gone) stops generation and frees its resources.
        """
        ...


class Embedder(Protocol):
    model_name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...
