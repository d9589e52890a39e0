"""The engine's model: a LeanLlama converted from the transformers model, optionally int8, cached.

The first start converts (and quantizes) the weights and writes them, with the tokenizer, to a cache
folder next to the transformers cache; later starts read only that folder: no transformers model is
built, no GGUF file is read, nothing is quantized again.
"""

import dataclasses
import json
import logging
import time
from pathlib import Path

from ..weight_cache import WEIGHTS_FILE, cache_folder, load_causal_lm, read_cache, write_folder_atomically
from .llama import LeanLlama, LlamaShape
from .tokenizer import EngineTokenizer

logger = logging.getLogger(__name__)

QUANTIZATIONS = ("none", "int8")
# Part of the cache folder's name: raise it whenever LeanLlama's weight layout changes.
ENGINE_FORMAT = 1
SHAPE_FILE = "shape.json"
GENERATION_FILE = "generation.json"


def _convert(tokenizer, model, quantize: str) -> tuple[LeanLlama, list[int]]:
    from ..int8 import quantize_linears

    lean = LeanLlama.from_transformers(model)
    if quantize == "int8":
        quantize_linears(lean)
    configured = getattr(model.generation_config, "eos_token_id", None)
    end_ids = {tokenizer.eos_token_id, *(configured if isinstance(configured, list) else [configured])}
    return lean, sorted(i for i in end_ids if i is not None)


def _writer(tokenizer, lean: LeanLlama, end_ids: list[int]):
    def write(folder: Path) -> None:
        from safetensors.torch import save_file

        tokenizer.save_pretrained(folder)
        (folder / SHAPE_FILE).write_text(json.dumps(dataclasses.asdict(lean.shape)))
        (folder / GENERATION_FILE).write_text(json.dumps({"end_of_answer_token_ids": end_ids}))
        save_file({name: tensor.contiguous() for name, tensor in lean.state_dict().items()}, folder / WEIGHTS_FILE)

    return write


def _reader(quantize: str):
    def read(folder: Path):
        from safetensors.torch import load_file

        from ..int8 import int8_skeleton

        tokenizer = EngineTokenizer(folder)
        shape = LlamaShape(**json.loads((folder / SHAPE_FILE).read_text()))
        lean = LeanLlama(shape)  # uninitialised tensors (nothing is written), replaced by the file's below
        if quantize == "int8":
            int8_skeleton(lean)
        lean.load_state_dict(load_file(folder / WEIGHTS_FILE), strict=True, assign=True)
        end_ids = json.loads((folder / GENERATION_FILE).read_text())["end_of_answer_token_ids"]
        return tokenizer, lean.eval(), end_ids

    return read


def _engine_tokenizer(tokenizer, folder: Path | None):
    """The same tokenizer the cache will give next time, or a transformers one wrapped alike."""
    if folder is not None and (folder / "tokenizer.json").exists():
        return EngineTokenizer(folder)
    return TransformersTokenizer(tokenizer)


class TransformersTokenizer:
    """A transformers tokenizer behind EngineTokenizer's interface (models without a cache folder)."""

    def __init__(self, tokenizer) -> None:
        self._tokenizer = tokenizer
        self.chat_template = getattr(tokenizer, "chat_template", None)

    def render_chat(self, messages: list[dict]) -> str:
        return self._tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def encode(self, text: str, *, add_special_tokens: bool) -> list[int]:
        return self._tokenizer(text, add_special_tokens=add_special_tokens)["input_ids"]

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)


def load_engine_model(model_id: str, *, gguf_path: Path | None, cache_dir: Path, quantize: str):
    """Return (tokenizer, LeanLlama, end-of-answer token ids, info)."""
    from ..int8 import int8_sums_exact, pack_int8_layers

    if quantize not in QUANTIZATIONS:
        raise ValueError(f"GENERATION_QUANTIZE must be one of {', '.join(QUANTIZATIONS)}, not {quantize!r}")
    if quantize == "int8" and not int8_sums_exact():
        # Saturated sums give wrong answers: float32 is the right choice on such a CPU.
        logger.warning("this CPU's int8 kernels do not sum exactly; the engine runs in float32 instead")
        quantize = "none"
    started = time.perf_counter()
    folder = cache_folder(gguf_path, cache_dir, f"engine{ENGINE_FORMAT}-{quantize}") if gguf_path else None
    loaded = read_cache(folder, _reader(quantize)) if folder else None
    source = "engine-cache"
    if loaded is None:
        tokenizer, model, info = load_causal_lm(model_id, gguf_path=gguf_path, cache_dir=cache_dir)
        lean, end_ids = _convert(tokenizer, model, quantize)
        del model
        if folder:
            write_folder_atomically(folder, _writer(tokenizer, lean, end_ids))
        loaded, source = (_engine_tokenizer(tokenizer, folder), lean, end_ids), info["source"]
    tokenizer, lean, end_ids = loaded
    if quantize == "int8":
        pack_int8_layers(lean)
    load_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info("engine model %s (%s) loaded from %s in %.0f ms", model_id, quantize, source, load_ms)
    return tokenizer, lean, frozenset(end_ids), {"source": source, "load_ms": load_ms, "quantize": quantize}
