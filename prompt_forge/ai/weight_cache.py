"""Load a causal LM, caching its de-quantized GGUF weights as safetensors for fast restarts.

Reading the GGUF file de-quantizes every tensor (~10 s on 2 cores). `save_pretrained` refuses a
GGUF-loaded model, so we save config + tokenizer + state dict ourselves. A cached model is rebuilt
on the meta device (no random initialisation) and its tensors are assigned straight from the
memory-mapped file.

Each cache folder is named after the GGUF file's size and mtime, the cache format and a variant: a
different model file never reuses a cache, and an unreadable cache is deleted and rebuilt, never trusted.
"""

import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

CACHE_FORMAT = 2
WEIGHTS_FILE = "model.safetensors"
COMPLETE_MARKER = "complete.json"


def cache_folder(gguf_path: Path, cache_dir: Path, variant: str = "transformers") -> Path:
    stat = gguf_path.stat()
    return cache_dir / f"{gguf_path.stem}-{stat.st_size}-{stat.st_mtime_ns}-v{CACHE_FORMAT}-{variant}"


def write_folder_atomically(folder: Path, write: Callable[[Path], None]) -> None:
    """Fill a new folder with `write(path)`, then move it into place in one rename."""
    # One partial folder per process: several server workers may build the same cache at once.
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        write(partial)
        (partial / COMPLETE_MARKER).write_text(json.dumps({"format": CACHE_FORMAT}))
        if (folder / COMPLETE_MARKER).exists():  # another worker finished first with the same weights
            return
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)  # atomic: a crash mid-write never leaves a folder that looks complete
    except OSError:
        logger.warning("could not write weight cache %s", folder, exc_info=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def read_cache(folder: Path, load: Callable[[Path], object]):
    """`load(folder)` if the folder is a complete cache; None (and the folder removed) if it is unreadable."""
    if not (folder / COMPLETE_MARKER).exists():
        return None
    try:
        return load(folder)
    except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never trusted
        logger.warning("weight cache %s is unreadable; rebuilding it", folder, exc_info=True)
        shutil.rmtree(folder, ignore_errors=True)
        return None


def materialize_computed_buffers(model) -> None:
    """Rebuild the modules whose buffers are computed at construction (rotary frequencies), not stored."""
    for name, module in list(model.named_modules()):
        if any(buffer.is_meta for buffer in module.buffers(recurse=False)) and hasattr(module, "config"):
            parent_name, _, attribute = name.rpartition(".")
            setattr(model.get_submodule(parent_name), attribute, type(module)(module.config))


def _load_from_cache(folder: Path):
    import torch
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = AutoConfig.from_pretrained(folder)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    result = model.load_state_dict(load_file(folder / WEIGHTS_FILE), strict=False, assign=True)
    missing = set(result.missing_keys)
    if config.tie_word_embeddings:  # the file holds the shared matrix once, under either name
        head, table = model.get_output_embeddings(), model.get_input_embeddings()
        if table.weight.is_meta:
            table.weight = head.weight
        else:
            head.weight = table.weight
        missing -= {f"{name}.weight" for name, module in model.named_modules() if module in (head, table)}
    materialize_computed_buffers(model)
    if missing:
        raise ValueError(f"the cache lacks {len(missing)} tensors, e.g. {sorted(missing)[0]}")
    return tokenizer, model.eval()


def _save_transformers(tokenizer, model) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        from safetensors.torch import save_model

        model.config.save_pretrained(folder)
        model.generation_config.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        save_model(model, str(folder / WEIGHTS_FILE))

    return write


def load_causal_lm(model_id: str, *, gguf_path: Path | None, cache_dir: Path):
    """Return (tokenizer, model, info) with the transformers model in eval mode on the CPU."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    started = time.perf_counter()
    if gguf_path is None:
        tokenizer = AutoTokenizer.from_pretrained(model_id)
        model = AutoModelForCausalLM.from_pretrained(model_id, dtype=torch.float32).eval()
        source = "pretrained"
    else:
        folder = cache_folder(gguf_path, cache_dir)
        loaded = read_cache(folder, _load_from_cache)
        source = "weight-cache"
        if loaded is None:
            tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
            model = AutoModelForCausalLM.from_pretrained(
                gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32
            ).eval()
            write_folder_atomically(folder, _save_transformers(tokenizer, model))
            loaded, source = (tokenizer, model), "gguf"
        tokenizer, model = loaded
    load_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info("loaded %s from %s in %.0f ms", model_id, source, load_ms)
    return tokenizer, model, {"source": source, "load_ms": load_ms}
