"""The engine's own tokenizer (no transformers at start-up) tokenizes, templates and decodes exactly as
the transformers tokenizer of the same model does."""

from pathlib import Path

import pytest

from prompt_forge.ai.bundled import smollm2_gguf
from prompt_forge.ai.engine.tokenizer import EngineTokenizer
from prompt_forge.ai.engine.weights import load_engine_model
from prompt_forge.ai.weight_cache import cache_folder

REPO = Path(__file__).resolve().parents[3]
CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "Où est Paris ?"}],
    [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke about 🐍 and {braces}."},
    ],
]


@pytest.fixture(scope="module")
def tokenizers():
    from transformers import AutoTokenizer

    cache_dir = REPO / "data" / "models"
    load_engine_model("HuggingFaceTB/SmolLM2-135M-Instruct", gguf_path=smollm2_gguf(), cache_dir=cache_dir,
                      quantize="none")  # fmt: skip
    folder = cache_folder(smollm2_gguf(), cache_dir, "engine1-none")
    return EngineTokenizer(folder), AutoTokenizer.from_pretrained(folder)


@pytest.mark.parametrize("messages", CONVERSATIONS)
def test_chat_template_and_tokens_match_transformers(tokenizers, messages):
    ours, theirs = tokenizers
    text = theirs.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert ours.render_chat(messages) == text
    assert ours.encode(text, add_special_tokens=False) == theirs(text, add_special_tokens=False)["input_ids"]


def test_decoding_matches_transformers(tokenizers):
    ours, theirs = tokenizers
    ids = theirs("Héllo wörld — 12 × 12 = 144 🐍<|im_end|>", add_special_tokens=False)["input_ids"]
    assert ours.decode(ids) == theirs.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    assert "<|im_end|>" not in ours.decode(ids)
