"""Vector search settings."""

from .ai import AI_PRELOAD
from .env import env_bool, env_float, env_int, env_str

# "faiss" (in-process, persisted under DATA_DIR) or "pgvector" (PostgreSQL with the vector extension).
# Names map to classes in PROMPT_FORGE["VECTOR_BACKENDS"] (prompt_forge/plugins.py).
VECTOR_BACKEND = env_str("VECTOR_BACKEND", "faiss")


def _threads(raw: str) -> int | str:
    return "auto" if raw.strip().lower() == "auto" else int(raw)


VECTOR_BACKEND_OPTIONS = {
    "faiss": {
        # A snapshot file is rewritten after this many changes (the change log covers the rest).
        "snapshot_every": env_int("FAISS_SNAPSHOT_EVERY", 1000),
        # OpenMP threads per search: "auto" measures 1 against every core once on this machine
        # (prompt_forge/search/faiss_threads.py); 0 lets FAISS decide; a number fixes it.
        "threads": _threads(env_str("FAISS_THREADS", "auto")),
        # A user's search is exact up to this many vectors; beyond, an IVF index scanning the
        # closest `probe_fraction` of its clusters takes over (see benchmarks/RESULTS.md for recall).
        "approximate_from": env_int("FAISS_APPROXIMATE_FROM", 50_000),
        "probe_fraction": env_float("FAISS_PROBE_FRACTION", 0.1),
    },
    "pgvector": {
        # HNSW candidate list size; larger finds more true neighbours, slower.
        "ef_search": env_int("PGVECTOR_EF_SEARCH", 100),
    },
}
# Load every persisted per-user index when the server starts (else on each user's first search).
SEARCH_PRELOAD = env_bool("SEARCH_PRELOAD", AI_PRELOAD)
SIMILAR_DEFAULT_K = 5

# Semantic cache: `"use_cache": true` on POST /prompts/ reuses the answer of the user's own most
# similar earlier prompt when its cosine similarity is at least this.
SEMANTIC_CACHE_THRESHOLD = env_float("SEMANTIC_CACHE_THRESHOLD", 0.95)

# Prompts embedded per batch by `manage.py import_prompts` and `manage.py rebuild_index`.
EMBEDDING_BATCH_SIZE = env_int("EMBEDDING_BATCH_SIZE", 256)
