"""Wrappers that record latency and token metrics for any backend, so every caller is measured.

The registry hands these out; anything else about a backend is reached through them unchanged.
"""

import time
from collections.abc import Iterator
from contextlib import closing

import numpy as np

from prompt_forge.common.metrics import (
    EMBEDDING_SECONDS,
    GENERATED_TOKENS,
    GENERATION_FAILURES,
    GENERATION_SECONDS,
    PROMPT_TOKENS,
)

from .base import Embedder, Generation, Generator, ModelError, PromptInput, SamplingParams


def record_generation(generation: Generation) -> None:
    GENERATION_SECONDS.labels(model=generation.model).observe(generation.duration_ms / 1000)
    GENERATED_TOKENS.labels(model=generation.model).inc(generation.completion_tokens)
    PROMPT_TOKENS.labels(model=generation.model).inc(generation.prompt_tokens)


def _start_series_at_zero(model: str, *metrics) -> None:
    # A series exists from start-up on, so dashboards and rate() see 0 rather than nothing.
    for metric in metrics:
        metric.labels(model=model)


class MeasuredGenerator:
    def __init__(self, inner: Generator) -> None:
        self._inner = inner
        series = (GENERATION_SECONDS, GENERATED_TOKENS, PROMPT_TOKENS, GENERATION_FAILURES)
        _start_series_at_zero(inner.model_name, *series)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def generate(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> Generation:
        try:
            generation = self._inner.generate(prompt, params=params)
        except ModelError:
            GENERATION_FAILURES.labels(model=self._inner.model_name).inc()
            raise
        record_generation(generation)
        return generation

    def stream(self, prompt: PromptInput, *, params: SamplingParams | None = None) -> "MeasuredStream":
        try:
            inner = self._inner.stream(prompt, params=params)
        except ModelError:
            GENERATION_FAILURES.labels(model=self._inner.model_name).inc()
            raise
        return MeasuredStream(inner, self._inner.model_name)


class MeasuredStream:
    """A backend's stream, measured; `close()` and `cancel()` reach the backend's stream."""

    def __init__(self, inner: Iterator[str | Generation], model: str) -> None:
        self._inner = inner
        self._events = self._measured(inner, model)

    def __iter__(self) -> Iterator[str | Generation]:
        return self

    def __next__(self) -> str | Generation:
        return next(self._events)

    def cancel(self) -> None:
        cancel = getattr(self._inner, "cancel", None)
        if cancel is not None:
            cancel()

    def close(self) -> None:
        self._events.close()

    @staticmethod
    def _measured(inner: Iterator[str | Generation], model: str) -> Iterator[str | Generation]:
        # closing(): when our caller stops early, the backend's stream is closed too (frees the model).
        with closing(inner) as events:
            try:
                for event in events:
                    if isinstance(event, Generation):
                        record_generation(event)
                    yield event
            except ModelError:
                GENERATION_FAILURES.labels(model=model).inc()
                raise


class MeasuredEmbedder:
    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        _start_series_at_zero(inner.model_name, EMBEDDING_SECONDS)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def embed(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self._inner.embed(texts)
        EMBEDDING_SECONDS.labels(model=self._inner.model_name).observe(time.perf_counter() - started)
        return vectors
