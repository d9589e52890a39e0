"""Language model and embedding model settings."""

from pathlib import Path

from .base import DATA_DIR
from .env import env_float, env_int, env_str

# Backend names map to classes in PROMPT_FORGE (prompt_forge/plugins.py); a dotted path works too.
# "engine": continuous batching in-process (prompt_forge/ai/engine); "transformers": one plain
# `generate` call per request (the naive path benchmarks compare against); "openai": a remote server.
GENERATION_BACKEND = env_str("GENERATION_BACKEND", "engine")
GENERATION_MODEL = env_str("GENERATION_MODEL", "HuggingFaceTB/SmolLM2-135M-Instruct")
GENERATION_MAX_NEW_TOKENS = env_int("GENERATION_MAX_NEW_TOKENS", 128)
GENERATION_THREADS = env_int("GENERATION_THREADS", 0)  # 0: automatic (see README, Generation engine)
# Engine only. int8: int8 weights and activations (see prompt_forge/ai/int8.py); none: float32.
GENERATION_QUANTIZE = env_str("GENERATION_QUANTIZE", "int8")
# Engine only: sequences decoded together; more requests wait in the engine's queue.
GENERATION_MAX_BATCH = env_int("GENERATION_MAX_BATCH", 8)
# A request waits at most this long for an answer (504 after it; the prompt is kept and retriable). 0: no limit.
GENERATION_TIMEOUT_S = env_float("GENERATION_TIMEOUT_S", 120.0)

EMBEDDING_BACKEND = env_str("EMBEDDING_BACKEND", "sentence-transformers")
EMBEDDING_MODEL = env_str("EMBEDDING_MODEL", "all-MiniLM-L6-v2")
# auto (bfloat16 products where the CPU has them, else float32), float32, bfloat16 or int8: see
# prompt_forge/ai/sentence_embedder.py. int8 vectors are recorded as "<model>+int8" and never mix.
EMBEDDING_PRECISION = env_str("EMBEDDING_PRECISION", "auto")

# Load both models when the server starts instead of on the first request.
AI_PRELOAD = env_str("AI_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}

# De-quantized weights are cached here after the first load (see prompt_forge/ai/weight_cache.py).
MODEL_CACHE_DIR = Path(env_str("MODEL_CACHE_DIR", str(DATA_DIR / "models")))
