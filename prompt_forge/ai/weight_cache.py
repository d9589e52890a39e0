"""Load a causal LM, caching de-quantized GGUF weights as safetensors for fast restarts.

Reading the GGUF file de-quantizes every tensor (~10 s on 2 cores). `save_pretrained` refuses a
GGUF-loaded model, so we save config + tokenizer + state dict ourselves and rebuild from them.
The cache folder name carries the GGUF file's size and mtime: a different file never reuses it.
"""

import json
import logging
import os
import shutil
import time
from pathlib import Path

logger = logging.getLogger(__name__)

CACHE_FORMAT = 1


def _cache_folder(gguf_path: Path, cache_dir: Path) -> Path:
    stat = gguf_path.stat()
    return cache_dir / f"{gguf_path.stem}-{stat.st_size}-{stat.st_mtime_ns}-v{CACHE_FORMAT}"


def _load_from_cache(folder: Path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    return tokenizer, model.eval()


def _write_cache(folder: Path, tokenizer, model) -> None:
    from safetensors.torch import save_model

    # One partial folder per process: several server workers may build the same cache at once.
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    model.config.save_pretrained(partial)
    model.generation_config.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    save_model(model, str(partial / "model.safetensors"))
    (partial / "complete.json").write_text(json.dumps({"format": CACHE_FORMAT}))
    if (folder / "complete.json").exists():  # another worker finished first with the same weights
        shutil.rmtree(partial, ignore_errors=True)
        return
    shutil.rmtree(folder, ignore_errors=True)
    try:
        partial.rename(folder)  # atomic: a crash mid-write never leaves a folder that looks complete
    except OSError:  # another worker renamed its identical copy in between
        shutil.rmtree(partial, ignore_errors=True)


def load_causal_lm(model_id: str, *, gguf_path: Path | None, cache_dir: Path):
    """Return (tokenizer, model, info) with the model in eval mode on the CPU."""
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
        folder = _cache_folder(gguf_path, cache_dir)
        tokenizer = model = None
        if (folder / "complete.json").exists():
            try:
                tokenizer, model = _load_from_cache(folder)
                source = "weight-cache"
            except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never trusted
                logger.warning("weight cache %s is unreadable; rebuilding it", folder, exc_info=True)
                tokenizer = model = None
        if model is None:
            tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
            model = AutoModelForCausalLM.from_pretrained(
                gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32
            ).eval()
            source = "gguf"
            try:
                _write_cache(folder, tokenizer, model)
            except OSError:
                logger.warning("could not write weight cache %s", folder, exc_info=True)
    load_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info("loaded %s from %s in %.0f ms", model_id, source, load_ms)
    return tokenizer, model, {"source": source, "load_ms": load_ms}
