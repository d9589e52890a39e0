"""The engine's forward pass and int8 layers, checked against transformers on a small random Llama."""

import pytest
import torch

from prompt_forge.ai.engine.llama import Chunk, LeanLlama, LlamaShape, UnsupportedModelError
from prompt_forge.ai.int8 import Int8Linear, int8_sums_exact, quantize_linears


@pytest.fixture(scope="module")
def tiny_llama():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=97, hidden_size=64, intermediate_size=128, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, head_dim=16, max_position_embeddings=128, tie_word_embeddings=True,
    )  # fmt: skip
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():  # non-trivial norm weights, so folding them into the matrices is tested
        for module in model.modules():
            if type(module).__name__ == "LlamaRMSNorm":
                module.weight.uniform_(0.5, 1.5)
    return model


def _reference_scores(model, prompt: list[int], continuation: list[int]) -> torch.Tensor:
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([prompt + continuation])).logits[0]
    return logits[len(prompt) - 1 :]  # scores after the prompt, then after each continuation token


def test_lean_forward_matches_transformers(tiny_llama):
    lean = LeanLlama.from_transformers(tiny_llama)
    prompt, continuation = [5, 17, 42, 8, 3], [11, 60, 2]
    expected = _reference_scores(tiny_llama, prompt, continuation)
    cache = lean.new_cache(len(prompt) + len(continuation) + 1)
    with torch.inference_mode():
        got = [lean([Chunk(prompt, cache)])[0]]
        got += [lean([Chunk([token], cache)])[0] for token in continuation]
    torch.testing.assert_close(torch.stack(got), expected, atol=1e-4, rtol=1e-4)


def test_a_sequence_computes_the_same_alone_or_batched(tiny_llama):
    lean = LeanLlama.from_transformers(tiny_llama)
    quantize_linears(lean)
    with torch.inference_mode():
        alone_cache = lean.new_cache(16)
        lean([Chunk([1, 2, 3], alone_cache)])
        alone = lean([Chunk([4], alone_cache)])[0]
        mine, other, newcomer = lean.new_cache(16), lean.new_cache(16), lean.new_cache(16)
        lean([Chunk([1, 2, 3], mine), Chunk([9, 9, 9, 9, 9, 9], other)])
        # Decoding next to another sequence and a newcomer's whole prompt, in one forward pass.
        batched = lean([Chunk([7], other), Chunk([4], mine), Chunk([30, 31], newcomer)])[1]
    assert torch.equal(alone, batched)


def test_other_architectures_are_refused_with_a_clear_message(tiny_llama):
    config = tiny_llama.config.__class__(**{**tiny_llama.config.to_dict(), "attention_bias": True})
    with pytest.raises(UnsupportedModelError, match="GENERATION_BACKEND=transformers"):
        LlamaShape.from_config(config)


def test_int8_rows_do_not_depend_on_the_rest_of_the_batch():
    torch.manual_seed(1)
    layer = Int8Linear.from_linear(torch.nn.Linear(96, 40))
    rows = torch.randn(5, 96)
    rows[2] *= 50  # one row with a much larger range must not change the others' quantization
    together = layer(rows)
    for index in range(5):
        assert torch.equal(layer(rows[index : index + 1])[0], together[index])


needs_exact_int8 = pytest.mark.skipif(
    not int8_sums_exact(), reason="this CPU's int8 kernels sum in saturating 16 bits; the engine uses float32"
)


@needs_exact_int8
def test_int8_stays_close_to_float():
    torch.manual_seed(2)
    linear = torch.nn.Linear(256, 64)
    rows = torch.randn(8, 256)
    expected = linear(rows)
    error = (Int8Linear.from_linear(linear)(rows) - expected).norm() / expected.norm()
    assert error < 0.02


@needs_exact_int8
def test_int8_sums_do_not_saturate():
    # The worst case for fbgemm's u8 x s8 products: every activation and weight at full scale. On a CPU
    # whose kernels sum pairs in 16 bits this would saturate; the engine's int8 mode needs exact sums.
    linear = torch.nn.Linear(1536, 4, bias=False)
    with torch.no_grad():
        linear.weight.fill_(1.0)
        linear.weight[1::2] = -1.0
    layer = Int8Linear.from_linear(linear)
    out = layer(torch.ones(2, 1536))
    assert torch.equal(out, torch.tensor([[1536.0, -1536.0] * 2] * 2))


def test_engine_falls_back_to_float32_where_int8_sums_saturate(monkeypatch, tmp_path):
    from prompt_forge.ai import int8
    from prompt_forge.ai.engine import weights

    monkeypatch.setattr(int8, "int8_sums_exact", lambda: False)
    seen = {}

    def convert(tokenizer, model, quantize):
        seen["quantize"] = quantize
        raise RuntimeError("stop after the choice")

    monkeypatch.setattr(weights, "_convert", convert)
    monkeypatch.setattr(weights, "load_causal_lm", lambda *a, **k: (None, None, {"source": "test"}))
    with pytest.raises(RuntimeError, match="stop after the choice"):
        weights.load_engine_model("m", gguf_path=None, cache_dir=tmp_path, quantize="int8")
    assert seen["quantize"] == "none"
