"""Application metrics, declared once here and updated by the services that own the events.

Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR set before start, as gunicorn.conf.py does)
sums counters and histograms over all worker processes; each gauge says how workers combine.
"""

from prometheus_client import Counter, Gauge, Histogram

# Generation takes from a fraction of a second to minutes on a CPU.
GENERATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256)
EMBEDDING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
SEARCH_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)

GENERATION_SECONDS = Histogram(
    "prompt_forge_generation_seconds",
    "Time to generate one answer, by model.",
    ["model"],
    buckets=GENERATION_BUCKETS,
)
GENERATED_TOKENS = Counter(
    "prompt_forge_generated_tokens",
    "Tokens generated (completion tokens), by model.",
    ["model"],
)
PROMPT_TOKENS = Counter(
    "prompt_forge_prompt_tokens",
    "Tokens read from prompts (including the chat template), by model.",
    ["model"],
)
GENERATION_FAILURES = Counter(
    "prompt_forge_generation_failures",
    "Generations that failed (the API answered 503), by model.",
    ["model"],
)
EMBEDDING_SECONDS = Histogram(
    "prompt_forge_embedding_seconds",
    "Time to embed one batch of texts, by model.",
    ["model"],
    buckets=EMBEDDING_BUCKETS,
)
SIMILAR_SEARCH_SECONDS = Histogram(
    "prompt_forge_similar_search_seconds",
    "Time to search one user's vectors for the nearest prompts (embedding excluded), by backend.",
    ["backend"],
    buckets=SEARCH_BUCKETS,
)
INDEX_VECTORS = Gauge(
    "prompt_forge_index_vectors",
    "Vectors held in memory by the search index, summed over live worker processes.",
    multiprocess_mode="livesum",
)
INDEX_USERS = Gauge(
    "prompt_forge_index_users",
    "Per-user indexes held in memory, summed over live worker processes.",
    multiprocess_mode="livesum",
)
SEMANTIC_CACHE_HITS = Counter(
    "prompt_forge_semantic_cache_hits",
    "Prompts answered from the semantic cache instead of the model.",
)
SEMANTIC_CACHE_MISSES = Counter(
    "prompt_forge_semantic_cache_misses",
    "Semantic cache lookups that found no close enough earlier prompt.",
)
WEBSOCKET_CONNECTIONS = Gauge(
    "prompt_forge_websocket_connections",
    "Open WebSocket connections, summed over live worker processes.",
    multiprocess_mode="livesum",
)
THROTTLED_REQUESTS = Counter(
    "prompt_forge_throttled_requests",
    "Requests refused with 429 by a rate limit, by view.",
    ["view"],
)
WORKER_REQUESTS = Counter(
    "prompt_forge_worker_requests",
    "HTTP requests served, by worker process id (shows how load spreads over workers).",
    ["worker"],
)
QUOTA_TOKENS = Counter(
    "prompt_forge_tokens",
    "Tokens (prompt plus completion) counted against budgets, by model and outcome: answered, cache_hit "
    "(always 0), failed, cancelled, refused (asked for by requests refused over budget).",
    ["model", "outcome"],
)
