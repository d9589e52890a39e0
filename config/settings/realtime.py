"""Streaming, WebSocket limits, generation backpressure and the OpenAI-compatible backend."""

from .env import env_float, env_int, env_str

# At most this many generations admitted per process (running or waiting); beyond it: 503 + Retry-After.
GENERATION_QUEUE_SIZE = env_int("GENERATION_QUEUE_SIZE", 16)
GENERATION_RETRY_AFTER_SECONDS = env_int("GENERATION_RETRY_AFTER_SECONDS", 2)

# WebSocket hygiene: frame size, messages per window per socket, time allowed to send the auth message.
WS_MAX_MESSAGE_BYTES = env_int("WS_MAX_MESSAGE_BYTES", 16 * 1024)
WS_RATE_MESSAGES = env_int("WS_RATE_MESSAGES", 20)
WS_RATE_WINDOW_SECONDS = env_float("WS_RATE_WINDOW_SECONDS", 10.0)
WS_AUTH_TIMEOUT_SECONDS = env_float("WS_AUTH_TIMEOUT_SECONDS", 10.0)

# GENERATION_BACKEND=openai: any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI, Prompt Forge).
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL", "http://127.0.0.1:8001/v1")
OPENAI_API_KEY = env_str("OPENAI_API_KEY", "")
OPENAI_TIMEOUT_SECONDS = env_float("OPENAI_TIMEOUT_SECONDS", 60.0)
OPENAI_MAX_RETRIES = env_int("OPENAI_MAX_RETRIES", 0)

# /v1/chat/completions: the whole conversation sent to the model is bounded too.
CHAT_MAX_CHARS = env_int("CHAT_MAX_CHARS", 16000)
