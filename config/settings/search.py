"""Vector search settings."""

from .env import env_str

VECTOR_BACKEND = env_str("VECTOR_BACKEND", "faiss")
VECTOR_BACKENDS = {
    "faiss": "prompt_forge.search.faiss_index.FaissVectorIndex",
}
SIMILAR_DEFAULT_K = 5
VECTOR_SOURCE = "prompt_forge.prompts.selectors.EmbeddingSource"
