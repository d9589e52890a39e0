"""Programmatic access: API keys and token budgets."""

from .env import env_int

# Active API keys one user may hold at once.
API_KEYS_MAX_PER_USER = env_int("API_KEYS_MAX_PER_USER", 50)

# Token budgets per user (prompt plus completion tokens), per UTC day and month; 0: unlimited. A user's
# own budgets are set in the Django admin (Usage > User quotas); an API key may have lower ones.
QUOTA_TOKENS_PER_DAY = env_int("QUOTA_TOKENS_PER_DAY", 0)
QUOTA_TOKENS_PER_MONTH = env_int("QUOTA_TOKENS_PER_MONTH", 0)
# GET /api/usage reports at most this many days.
USAGE_MAX_DAYS = env_int("USAGE_MAX_DAYS", 366)
