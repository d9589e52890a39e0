"""Language model and embedding model settings."""

from pathlib import Path

from .base import DATA_DIR
from .env import env_float, env_int, env_str

# Several named models (see prompt_forge/ai/catalog.py and README, "Several models"): JSON here, or the
# path of a .json or .toml file. Empty: one model, from GENERATION_BACKEND and GENERATION_MODEL below.
MODELS = env_str("MODELS", "")

# Backend names map to classes in PROMPT_FORGE (prompt_forge/plugins.py); a dotted path works too.
# "openvino" (or "engine"): OpenVINO GenAI's continuous batching in-process (prompt_forge/ai/openvino_engine);
# "transformers": one plain `generate` call per request (any causal LM); "openai": a remote server.
GENERATION_BACKEND = env_str("GENERATION_BACKEND", "openvino")
GENERATION_MODEL = env_str("GENERATION_MODEL", "HuggingFaceTB/SmolLM2-135M-Instruct")
GENERATION_MAX_NEW_TOKENS = env_int("GENERATION_MAX_NEW_TOKENS", 128)
GENERATION_THREADS = env_int("GENERATION_THREADS", 0)  # 0: automatic (see README, Generation engine)
# Engine only: sequences decoded together; more requests wait in the engine's queue.
GENERATION_MAX_BATCH = env_int("GENERATION_MAX_BATCH", 8)
# Engine only: 0 (default): the KV cache grows to what the running requests need (bounded by
# GENERATION_MAX_BATCH requests of the model's context) and its memory is given back when the engine is
# idle; N: a cache of N whole gigabytes, allocated once and kept.
GENERATION_CACHE_GB = env_int("GENERATION_CACHE_GB", 0)
# Engine only: a prompt longer than this is read in pieces of this many tokens (a multiple of 32), paced
# so running requests keep decoding (prompt_forge/ai/openvino_engine/prefill.py): smaller is fairer.
GENERATION_PREFILL_CHUNK_TOKENS = env_int("GENERATION_PREFILL_CHUNK_TOKENS", 128)
# Tokens a request's prompt may take in all (system prompt, conversation and prompt, as the model reads
# them); above it: 400. Also bounded by the model's context less the answer's room.
GENERATION_MAX_PROMPT_TOKENS = env_int("GENERATION_MAX_PROMPT_TOKENS", 4096)
# A request waits at most this long for an answer (504 after it; the prompt is kept and retriable). 0: no limit.
GENERATION_TIMEOUT_S = env_float("GENERATION_TIMEOUT_S", 120.0)

EMBEDDING_BACKEND = env_str("EMBEDDING_BACKEND", "sentence-transformers")
EMBEDDING_MODEL = env_str("EMBEDDING_MODEL", "all-MiniLM-L6-v2")
# auto (float32 or bfloat16, whichever this machine measures faster: prompt_forge/ai/tuning.py), float32,
# bfloat16 or int8: see prompt_forge/ai/sentence_embedder.py. int8 vectors are recorded as "<model>+int8".
EMBEDDING_PRECISION = env_str("EMBEDDING_PRECISION", "auto")

# Load both models when the server starts instead of on the first request.
AI_PRELOAD = env_str("AI_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}

# De-quantized weights are cached here after the first load (see prompt_forge/ai/weight_cache.py).
MODEL_CACHE_DIR = Path(env_str("MODEL_CACHE_DIR", str(DATA_DIR / "models")))
