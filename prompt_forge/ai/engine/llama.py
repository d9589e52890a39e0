"""A lean forward pass for Llama-architecture models (SmolLM2 is one), shaped for the engine's batches.

All tokens of one step go through the weight matrices together, one row each: the prompt of a
sequence joining the batch and the last token of every sequence being decoded. Attention then runs
per sequence over that sequence's own KV cache, so there is no padding and no mask, and a sequence
computes exactly what it computes alone.

Fewer, bigger operations per layer (on 2 cores a step is dominated by per-operation overhead once the
weights are int8): Q/K/V and gate/up are fused into one matrix each, the RMSNorm weights are folded
into the columns of the matrix that follows them, and Q and K are rotated in one go.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as functional
from torch import nn

from .kv_cache import SequenceCache


class UnsupportedModelError(ValueError):
    """The engine runs Llama-architecture models; others need GENERATION_BACKEND=transformers."""


@dataclass(frozen=True)
class LlamaShape:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    rms_norm_eps: float
    rope_theta: float
    context_length: int

    @classmethod
    def from_config(cls, config) -> "LlamaShape":
        rope = getattr(config, "rope_parameters", None) or {}
        if (
            config.model_type != "llama"
            or rope.get("rope_type", "default") != "default"
            or getattr(config, "attention_bias", False)
            or getattr(config, "mlp_bias", False)
            or config.hidden_act != "silu"
        ):
            raise UnsupportedModelError(
                f"the generation engine runs Llama-architecture models, not {config.model_type!r}; "
                "set GENERATION_BACKEND=transformers for this one"
            )
        return cls(
            vocab_size=config.vocab_size,
            hidden_size=config.hidden_size,
            intermediate_size=config.intermediate_size,
            layers=config.num_hidden_layers,
            heads=config.num_attention_heads,
            kv_heads=config.num_key_value_heads,
            head_dim=getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads,
            rms_norm_eps=config.rms_norm_eps,
            rope_theta=rope.get("rope_theta", 10000.0),
            context_length=config.max_position_embeddings,
        )


@dataclass
class Chunk:
    """The tokens one sequence feeds in this step: its whole prompt, or its last generated token."""

    tokens: list[int]
    cache: SequenceCache


class _Linear(nn.Linear):
    def reset_parameters(self) -> None:
        pass  # weights always come from a checkpoint: random initialisation would be wasted start-up time


class _Embedding(nn.Embedding):
    def reset_parameters(self) -> None:
        pass


class DecoderLayer(nn.Module):
    def __init__(self, shape: LlamaShape) -> None:
        super().__init__()
        attention = shape.heads * shape.head_dim
        kv = shape.kv_heads * shape.head_dim
        self.qkv = _Linear(shape.hidden_size, attention + 2 * kv, bias=False)
        self.out = _Linear(attention, shape.hidden_size, bias=False)
        self.gate_up = _Linear(shape.hidden_size, 2 * shape.intermediate_size, bias=False)
        self.down = _Linear(shape.intermediate_size, shape.hidden_size, bias=False)


def _rms_norm(x: torch.Tensor, eps: float) -> torch.Tensor:
    # Without its weight (folded into the next matrix). Spelled out: F.rms_norm costs several times
    # more per call on the CPU for one-token rows.
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def _attend(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """Attention of one sequence's new tokens (query [tokens, heads, head_dim], already scaled) over its
    cache (keys [kv_heads, head_dim, length], values [kv_heads, length, head_dim])."""
    tokens, heads, head_dim = query.shape
    kv_heads = keys.shape[0]
    if tokens > 1:  # a whole prompt: causal attention over itself
        return functional.scaled_dot_product_attention(
            query.transpose(0, 1)[None],
            keys.transpose(1, 2)[None],
            values[None],
            is_causal=True,
            enable_gqa=True,
            scale=1.0,
        )[0].transpose(0, 1)
    # One new token sees every cached position. Written out: SDPA's fixed cost dominates at this size.
    grouped = query.view(kv_heads, heads // kv_heads, head_dim)  # the query heads sharing a key/value head
    return torch.bmm(torch.bmm(grouped, keys).softmax(-1), values).view(1, heads, head_dim)


def _rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    first, second = x.chunk(2, dim=-1)
    return x * cos + torch.cat((-second, first), dim=-1) * sin


class LeanLlama(nn.Module):
    def __init__(self, shape: LlamaShape) -> None:
        super().__init__()
        self.shape = shape
        self.embed = _Embedding(shape.vocab_size, shape.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(shape) for _ in range(shape.layers))
        self.head = _Linear(shape.hidden_size, shape.vocab_size, bias=False)
        self.register_buffer("inv_freq", self.rotary_frequencies(shape), persistent=False)

    @staticmethod
    def rotary_frequencies(shape: LlamaShape) -> torch.Tensor:
        exponents = torch.arange(0, shape.head_dim, 2, dtype=torch.float32) / shape.head_dim
        return 1.0 / shape.rope_theta**exponents

    @classmethod
    def from_transformers(cls, model) -> "LeanLlama":
        """Take the weights of a transformers LlamaForCausalLM: Q/K/V and gate/up fused, norms folded."""
        lean = cls(LlamaShape.from_config(model.config))
        source = model.model
        with torch.no_grad():
            lean.embed.weight.copy_(source.embed_tokens.weight)
            lean.head.weight.copy_(model.lm_head.weight * source.norm.weight)
            for mine, theirs in zip(lean.layers, source.layers, strict=True):
                attention, mlp = theirs.self_attn, theirs.mlp
                # Queries pre-scaled by 1/sqrt(head_dim), as attention wants them (a power of two for 64).
                query = attention.q_proj.weight * lean.shape.head_dim**-0.5
                qkv = torch.cat([query, attention.k_proj.weight, attention.v_proj.weight])
                mine.qkv.weight.copy_(qkv * theirs.input_layernorm.weight)
                mine.out.weight.copy_(attention.o_proj.weight)
                gate_up = torch.cat([mlp.gate_proj.weight, mlp.up_proj.weight])
                mine.gate_up.weight.copy_(gate_up * theirs.post_attention_layernorm.weight)
                mine.down.weight.copy_(mlp.down_proj.weight)
        return lean.eval()

    def new_cache(self, capacity: int) -> SequenceCache:
        shape = self.shape
        return SequenceCache(shape.layers, shape.kv_heads, shape.head_dim, capacity)

    def forward(self, chunks: list[Chunk]) -> torch.Tensor:
        """Feed each chunk's tokens; return the scores of each chunk's next token ([chunks, vocabulary])."""
        shape = self.shape
        tokens = [token for chunk in chunks for token in chunk.tokens]
        spans, start = [], 0
        for chunk in chunks:
            if len(chunk.tokens) > 1 and chunk.cache.length:
                raise ValueError("a chunk of several tokens must be a whole prompt")
            spans.append((start, start + len(chunk.tokens)))
            start += len(chunk.tokens)
        positions = torch.cat(
            [torch.arange(chunk.cache.length, chunk.cache.length + len(chunk.tokens)) for chunk in chunks]
        )
        angles = positions[:, None].float() * self.inv_freq[None, :]
        angles = torch.cat((angles, angles), dim=-1)[:, None, :]  # [tokens, 1 (heads), head_dim]
        cos, sin = angles.cos(), angles.sin()

        x = self.embed(torch.tensor(tokens))
        rows = len(tokens)
        query_keys = shape.heads + shape.kv_heads
        for index, layer in enumerate(self.layers):
            qkv = layer.qkv(_rms_norm(x, shape.rms_norm_eps)).view(rows, query_keys + shape.kv_heads, shape.head_dim)
            rotated = _rotate(qkv[:, :query_keys], cos, sin)
            q, k, v = rotated[:, : shape.heads], rotated[:, shape.heads :], qkv[:, query_keys:]
            attended = [
                _attend(q[first:last], *chunk.cache.append(index, k[first:last], v[first:last]))
                for chunk, (first, last) in zip(chunks, spans, strict=True)
            ]
            x = x + layer.out(torch.cat(attended).view(rows, -1))
            gate, up = layer.gate_up(_rms_norm(x, shape.rms_norm_eps)).chunk(2, dim=-1)
            x = x + layer.down(functional.silu(gate) * up)
        for chunk in chunks:
            chunk.cache.advance(len(chunk.tokens))
        last_rows = torch.tensor([last - 1 for _, last in spans])
        return self.head(_rms_norm(x[last_rows], shape.rms_norm_eps))
