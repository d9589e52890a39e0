"""A turn's two vectors: its prompt's and its answer's, by the same embedding model in one batch."""

import numpy as np

from prompt_forge.ai.base import Embedder


def embed_turns(embedder: Embedder, texts: list[str], responses: list[str]) -> tuple[np.ndarray, list]:
    """(prompt vectors as one matrix, answer vectors: one per turn, None where the answer is empty)."""
    answered = [row for row, response in enumerate(responses) if response]
    matrix = embedder.embed([*texts, *(responses[row] for row in answered)]) if texts else np.empty((0, 0))
    answers: list[np.ndarray | None] = [None] * len(texts)
    for offset, row in enumerate(answered):
        answers[row] = matrix[len(texts) + offset]
    return matrix[: len(texts)], answers
