"""Conversations: titles written by the model, and imports of other products' chat exports."""

from .env import env_float, env_int, env_str

# After a conversation's first answer the model writes its title (in the background, once no answer
# has been generating for a second), unless this is off, the model stays busy for a minute, fails or
# takes longer than CONVERSATION_TITLE_TIMEOUT_S: then the title stays the first prompt's first words.
CONVERSATION_MODEL_TITLES = env_str("CONVERSATION_MODEL_TITLES", "true").lower() in {"1", "true", "yes", "on"}
CONVERSATION_TITLE_TIMEOUT_S = env_float("CONVERSATION_TITLE_TIMEOUT_S", 10.0)
# POST /conversations/import: the largest export file accepted (bytes).
CONVERSATION_IMPORT_MAX_BYTES = env_int("CONVERSATION_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Request paths (without trailing slash) allowed a larger body than MAX_REQUEST_BYTES.
REQUEST_BYTES_BY_PATH = {"/conversations/import": CONVERSATION_IMPORT_MAX_BYTES}
# POST /conversations/{id}/share/ without "expires_in_days": the link works this many days (0: until revoked).
SHARE_LINK_DAYS = env_int("SHARE_LINK_DAYS", 30)
# POST /prompts/{id}/compare/: answers per comparison (models x template versions), and how many of
# them are generated at once (each takes a generation slot like any prompt).
COMPARE_MAX_VARIANTS = env_int("COMPARE_MAX_VARIANTS", 4)
COMPARE_CONCURRENCY = env_int("COMPARE_CONCURRENCY", 2)
