"""Programmatic access: API keys and token budgets."""

from .env import env_int

# Active API keys one user may hold at once.
API_KEYS_MAX_PER_USER = env_int("API_KEYS_MAX_PER_USER", 50)
