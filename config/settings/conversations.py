"""Conversations: titles written by the model, and imports of other products' chat exports."""

from .env import env_float, env_int, env_str

# After a conversation's first answer the model writes its title (in the background), unless this is
# off or the model is busy, fails or takes longer than CONVERSATION_TITLE_TIMEOUT_S: then the title
# stays the first prompt's first words.
CONVERSATION_MODEL_TITLES = env_str("CONVERSATION_MODEL_TITLES", "true").lower() in {"1", "true", "yes", "on"}
CONVERSATION_TITLE_TIMEOUT_S = env_float("CONVERSATION_TITLE_TIMEOUT_S", 10.0)
# POST /conversations/import: the largest export file accepted (bytes).
CONVERSATION_IMPORT_MAX_BYTES = env_int("CONVERSATION_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Request paths (without trailing slash) allowed a larger body than MAX_REQUEST_BYTES.
REQUEST_BYTES_BY_PATH = {"/conversations/import": CONVERSATION_IMPORT_MAX_BYTES}
