"""Vector search: the only package that imports faiss (or pgvector)."""
