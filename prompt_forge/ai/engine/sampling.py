"""Choosing each sequence's next token from the model's scores: greedy, or temperature with top-p."""

import torch

from .sequence import Sequence


def _sample(scores: torch.Tensor, sequence: Sequence) -> int:
    probabilities = torch.softmax(scores.float() / sequence.temperature, dim=-1)
    if sequence.top_p < 1.0:
        ordered, order = torch.sort(probabilities, descending=True)
        # Keep the smallest set of most likely tokens whose total reaches top_p (always at least one).
        outside = ordered.cumsum(-1) - ordered >= sequence.top_p
        ordered[outside] = 0.0
        return int(order[torch.multinomial(ordered, 1, generator=sequence.rng)])
    return int(torch.multinomial(probabilities, 1, generator=sequence.rng))


def next_tokens(scores: torch.Tensor, sequences: list[Sequence]) -> list[int]:
    """One token per row of `scores` ([rows, vocabulary]), row i belonging to sequences[i]."""
    chosen = scores.argmax(dim=-1).tolist()
    for row, sequence in enumerate(sequences):
        if sequence.temperature > 0:
            chosen[row] = _sample(scores[row], sequence)
    return chosen
