"""Language models: the only package that imports transformers or sentence-transformers."""
