"""One sequence's keys and values for every layer, allocated once for its whole length."""

import torch


class SequenceCache:
    def __init__(self, layers: int, kv_heads: int, head_dim: int, capacity: int) -> None:
        # [layers, capacity, kv_heads, head_dim]: new tokens are stored without a transpose.
        self.keys = torch.empty(layers, capacity, kv_heads, head_dim)
        self.values = torch.empty(layers, capacity, kv_heads, head_dim)
        self.length = 0  # positions stored (in every layer) before the current step

    @property
    def capacity(self) -> int:
        return self.keys.shape[1]

    def append(self, layer: int, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store one layer's new keys/values ([tokens, kv_heads, head_dim]); return all of that layer's so
        far, as [kv_heads, head_dim, length] keys (ready to multiply by) and [kv_heads, length, head_dim] values."""
        end = self.length + keys.shape[0]
        if end > self.capacity:
            raise ValueError(f"the sequence outgrew its cache of {self.capacity} positions")
        self.keys[layer, self.length : end] = keys
        self.values[layer, self.length : end] = values
        return self.keys[layer, :end].permute(1, 2, 0), self.values[layer, :end].transpose(0, 1)

    def advance(self, tokens: int) -> None:
        self.length += tokens
