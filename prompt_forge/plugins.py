"""The pluggable parts, in one namespaced setting: `PROMPT_FORGE = {...}` in Django settings overrides
any of these defaults (see README, "Architecture").

- GENERATION_BACKENDS / EMBEDDING_BACKENDS / VECTOR_BACKENDS: the names GENERATION_BACKEND,
  EMBEDDING_BACKEND and VECTOR_BACKEND may take, mapped to classes (a dotted path works too).
- CREDENTIAL_TYPES: what `Authorization: Bearer <credential>` (and a WebSocket token) may be, tried in
  order; the first whose `accepts()` says yes authenticates it (see accounts/authentication.py).
"""

from prompt_forge.common.plugin_settings import PluginSettings

DEFAULTS = {
    "GENERATION_BACKENDS": {
        # Continuous batching in-process: OpenVINO GenAI's pipeline (prompt_forge/ai/openvino_engine).
        "openvino": "prompt_forge.ai.openvino_engine.OpenVINOGenerator",
        "engine": "prompt_forge.ai.openvino_engine.OpenVINOGenerator",  # the same, by its former name
        # One plain `generate` call per request (the naive path benchmarks compare against).
        "transformers": "prompt_forge.ai.transformers_generator.TransformersGenerator",
        # Any OpenAI-compatible server (OPENAI_BASE_URL).
        "openai": "prompt_forge.ai.openai_generator.OpenAIGenerator",
    },
    "EMBEDDING_BACKENDS": {
        "sentence-transformers": "prompt_forge.ai.sentence_embedder.SentenceTransformerEmbedder",
    },
    "VECTOR_BACKENDS": {
        "faiss": "prompt_forge.search.faiss_index.FaissVectorIndex",
        "pgvector": "prompt_forge.search.pgvector_index.PgVectorIndex",
    },
    "CREDENTIAL_TYPES": [
        "prompt_forge.accounts.authentication.ApiKeyCredential",
        "prompt_forge.accounts.authentication.JWTCredential",
    ],
}

plugins = PluginSettings("PROMPT_FORGE", DEFAULTS)
