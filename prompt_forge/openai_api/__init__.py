"""An OpenAI-compatible API (/v1/chat/completions, /v1/models) on top of the prompt services."""
