"""Searching a user's whole history: GET /search/ (keyword and meaning, filters, snippets)."""
