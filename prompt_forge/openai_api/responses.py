"""OpenAI's response shapes: chat.completion, chat.completion.chunk (server-sent events), model list."""

import json
import time

from prompt_forge.prompts.models import Prompt


def completion_id(prompt_id: int) -> str:
    return f"chatcmpl-{prompt_id}"  # the id of the prompt in the caller's history


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def chat_completion(prompt: Prompt, *, model: str) -> dict:
    info = prompt.metadata.extra_info or {}
    return {
        "id": completion_id(prompt.pk),
        "object": "chat.completion",
        "created": int(prompt.created_at.timestamp()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": prompt.response},
                "finish_reason": info.get("finish_reason", "stop"),
            }
        ],
        "usage": usage(info.get("prompt_tokens", 0), info.get("completion_tokens", 0)),
    }


def chunk(prompt_id: int, *, model: str, created: int, delta: dict, finish_reason: str | None = None) -> dict:
    return {
        "id": completion_id(prompt_id),
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def usage_chunk(prompt_id: int, *, model: str, created: int, prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "id": completion_id(prompt_id),
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "usage": usage(prompt_tokens, completion_tokens),
    }


def sse(data: dict | str) -> str:
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n"


def model_list(models: list[str]) -> dict:
    created = int(time.time())
    return {
        "object": "list",
        "data": [{"id": name, "object": "model", "created": created, "owned_by": "prompt-forge"} for name in models],
    }
