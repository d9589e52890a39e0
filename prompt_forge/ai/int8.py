"""Int8 Linear layers (EMBEDDING_PRECISION=int8): int8 weights and activations, int32 sums (fbgemm).

Weights get one scale per output channel. Each activation row (one token) is scaled by its own
largest magnitude before it is quantized, and the result scaled back. torch's `quantize_dynamic`
instead picks one activation scale for the whole batch, so a text's vector would depend on what
else is in the batch; here a row is quantized the same way alone or batched, and the int32 sums are
exact, so a text gets the same vector alone or batched with others.

Activations use the full 8 bits: on AVX512-VNNI CPUs fbgemm sums u8 x s8 products straight into
int32 (`int8_sums_exact` measures it on the running CPU). The 7-bit range `quantize_dynamic` uses
(reduce_range) is not needed there.
"""

import functools
import warnings
from concurrent.futures import ThreadPoolExecutor

import torch
from torch import nn

INT8_MAX = 127
# Rows are scaled into [-1, 1], then quantized to uint8 with this scale and zero point (1..255).
ROW_SCALE = 1 / 127
ROW_ZERO_POINT = 128


class Int8Linear(nn.Module):
    def __init__(self, in_features: int, out_features: int, *, bias: bool) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.register_buffer("weight_int8", torch.empty(out_features, in_features, dtype=torch.int8))
        self.register_buffer("weight_scale", torch.empty(out_features, dtype=torch.float32))
        self.register_buffer("bias", torch.empty(out_features) if bias else None)
        self._packed = None  # fbgemm's packed weights, built from the buffers on first use

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> "Int8Linear":
        layer = cls(linear.in_features, linear.out_features, bias=linear.bias is not None)
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1).clamp(min=1e-12) / INT8_MAX
        layer.weight_int8 = torch.round(weight / scale[:, None]).clamp(-INT8_MAX, INT8_MAX).to(torch.int8)
        layer.weight_scale = scale
        if linear.bias is not None:
            layer.bias = linear.bias.detach().float().clone()
        return layer

    def pack(self) -> None:
        with warnings.catch_warnings():
            # Quantized tensors are deprecated for a later torch; requirements.txt pins torch exactly.
            warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*")
            weight = torch._make_per_channel_quantized_tensor(
                self.weight_int8,
                self.weight_scale.double(),
                torch.zeros(self.out_features, dtype=torch.long),
                0,
            )
        self._packed = torch.ops.quantized.linear_prepack(weight, None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._packed is None:
            self.pack()
        rows = x.reshape(-1, self.in_features)
        # abs().amax() rather than vector_norm(inf): the same values, 4-8x cheaper on a few rows.
        magnitude = rows.abs().amax(dim=1, keepdim=True).clamp_(min=1e-12)
        out = torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(
            rows / magnitude, ROW_SCALE, ROW_ZERO_POINT, self._packed
        )
        out *= magnitude
        if self.bias is not None:
            out += self.bias
        return out.reshape(*x.shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8"


@functools.cache
def int8_sums_exact() -> bool:
    """Whether this CPU's int8 kernels sum u8 x s8 products exactly (AVX512-VNNI does; plain AVX2 adds
    pairs in saturating 16 bits, which corrupts full-range activations). Measured, not read from flags."""
    linear = nn.Linear(1536, 4, bias=False)
    with torch.no_grad():
        linear.weight.fill_(1.0)
        linear.weight[1::2] = -1.0
        out = Int8Linear.from_linear(linear)(torch.ones(2, 1536))
    return torch.equal(out, torch.tensor([[1536.0, -1536.0] * 2] * 2))


def _replace_linears(module: nn.Module, make) -> int:
    replaced = 0
    for name, child in module.named_children():
        if isinstance(child, nn.Linear):
            setattr(module, name, make(child))
            replaced += 1
        else:
            replaced += _replace_linears(child, make)
    return replaced


def quantize_linears(model: nn.Module) -> int:
    """Replace every nn.Linear by an Int8Linear; return how many."""
    return _replace_linears(model, Int8Linear.from_linear)


def pack_int8_layers(model: nn.Module) -> None:
    """Prepare fbgemm's packed weights now rather than on the first request. Packing is most of a start
    from the weight cache and releases the GIL, so it runs on every core (0.40 s instead of 0.65 s
    for SmolLM2-135M on 2 cores), largest matrices first."""
    from .threads import cpu_count

    layers = [module for module in model.modules() if isinstance(module, Int8Linear)]
    layers.sort(key=lambda layer: layer.weight_int8.numel(), reverse=True)
    with ThreadPoolExecutor(max_workers=cpu_count()) as pool:
        list(pool.map(Int8Linear.pack, layers))
