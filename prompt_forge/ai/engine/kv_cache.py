"""One sequence's keys and values for every layer, allocated once for its whole length."""

import torch


class SequenceCache:
    def __init__(self, layers: int, kv_heads: int, head_dim: int, capacity: int) -> None:
        # Stored the way attention multiplies by them, so reading them costs no copy or transpose:
        # keys as [layers, kv_heads, head_dim, capacity], values as [layers, kv_heads, capacity, head_dim].
        self.keys = torch.empty(layers, kv_heads, head_dim, capacity)
        self.values = torch.empty(layers, kv_heads, capacity, head_dim)
        self.length = 0  # positions stored (in every layer) before the current step

    @property
    def capacity(self) -> int:
        return self.keys.shape[-1]

    def append(self, layer: int, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store one layer's new keys/values ([tokens, kv_heads, head_dim]); return all of that layer's so
        far, as [kv_heads, head_dim, length] keys and [kv_heads, length, head_dim] values."""
        end = self.length + keys.shape[0]
        if end > self.capacity:
            raise ValueError(f"the sequence outgrew its cache of {self.capacity} positions")
        self.keys[layer, :, :, self.length : end] = keys.permute(1, 2, 0)
        self.values[layer, :, self.length : end] = values.transpose(0, 1)
        return self.keys[layer, :, :, :end], self.values[layer, :, :end]

    def advance(self, tokens: int) -> None:
        self.length += tokens
