"""OpenAPI description of /v1 (plain Django views, outside DRF's introspection), in OpenAI's shapes.

Added to the schema by the `add_openai_paths` hook (SPECTACULAR_SETTINGS), so the interactive docs
show it and Schemathesis fuzzes it with the rest of the API.
"""

from prompt_forge.ai import catalog

from .requests import ROLES

OPENAI_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": "string", "nullable": True},
                "code": {"type": "string", "nullable": True},
                "prompt_id": {"type": "integer", "description": "The prompt kept in your history (model errors)."},
            },
            "required": ["message", "type", "param", "code"],
        }
    },
    "required": ["error"],
}
PLAIN_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
TEXT_PART = {
    "type": "object",
    "properties": {"type": {"type": "string", "enum": ["text"]}, "text": {"type": "string"}},
    "required": ["type", "text"],
}
MESSAGE = {
    "type": "object",
    "properties": {
        "role": {"type": "string", "enum": sorted(ROLES)},
        "content": {"oneOf": [{"type": "string"}, {"type": "array", "items": TEXT_PART}]},
    },
    "required": ["role", "content"],
}
STOP = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 4}]}
USAGE = {
    "type": "object",
    "properties": {name: {"type": "integer"} for name in ("prompt_tokens", "completion_tokens", "total_tokens")},
    "required": ["prompt_tokens", "completion_tokens", "total_tokens"],
}


def _chat_request() -> dict:
    return {
        "type": "object",
        "properties": {
            "model": {"type": "string", "enum": catalog.model_names(), "description": "GET /v1/models"},
            "messages": {
                "type": "array",
                "items": MESSAGE,
                "description": "Ends with the user's; required, and non-empty, unless prompt_id names a template "
                "(then these come before the rendered template).",
            },
            "prompt_id": {"type": "string", "description": "Run this template of yours (LiteLLM's name)."},
            "prompt_version": {"type": "integer", "minimum": 1, "description": "Its version (default: latest)."},
            "prompt_label": {"type": "string", "description": "Or the version a label points at."},
            "prompt_variables": {"type": "object", "description": "The template's variables."},
            "stream": {"type": "boolean", "default": False},
            # Optional fields may be null (as OpenAI's API allows): null means the default.
            "stream_options": {
                "type": "object",
                "nullable": True,
                "properties": {"include_usage": {"type": "boolean"}},
            },
            "max_tokens": {"type": "integer", "minimum": 1, "nullable": True},
            "max_completion_tokens": {"type": "integer", "minimum": 1, "nullable": True},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2, "nullable": True},
            "top_p": {"type": "number", "minimum": 0.01, "maximum": 1, "nullable": True},
            "stop": {**STOP, "nullable": True},
            "n": {"type": "integer", "minimum": 1, "maximum": 1, "nullable": True},
        },
        "required": ["model"],
    }


SSE_EVENT = {"type": "object", "properties": {"data": {"type": "string"}}, "required": ["data"]}
COMPLETION = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "object": {"type": "string", "enum": ["chat.completion"]},
        "created": {"type": "integer"},
        "model": {"type": "string"},
        "choices": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "index": {"type": "integer"},
                    "message": {
                        "type": "object",
                        "properties": {"role": {"type": "string"}, "content": {"type": "string"}},
                        "required": ["role", "content"],
                    },
                    "finish_reason": {"type": "string", "enum": ["stop", "length"]},
                },
                "required": ["index", "message", "finish_reason"],
            },
        },
        "usage": USAGE,
    },
    "required": ["id", "object", "created", "model", "choices", "usage"],
}
MODEL_LIST = {
    "type": "object",
    "properties": {
        "object": {"type": "string", "enum": ["list"]},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string"},
                    "created": {"type": "integer"},
                    "owned_by": {"type": "string"},
                },
                "required": ["id", "object"],
            },
        },
    },
    "required": ["object", "data"],
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _openai_error(description: str) -> dict:
    return _json(OPENAI_ERROR, description)


COMMON_ERRORS = {
    "401": _openai_error("Missing, invalid, expired or revoked access token or API key."),
    "403": _openai_error("An API key without the v1 scope (code missing_scope)."),
    "413": _json(PLAIN_ERROR, "Request body larger than MAX_REQUEST_BYTES."),
}


def openai_paths() -> dict:
    security = [{"jwtAuth": []}]
    return {
        "/v1/models": {
            "get": {
                "operationId": "v1_models",
                "summary": "The served models (OpenAI-compatible), the default first",
                "tags": ["openai"],
                "security": security,
                "responses": {
                    "200": _json(MODEL_LIST, "The models /v1/chat/completions serves (MODELS)."),
                    **COMMON_ERRORS,
                    "503": _json(PLAIN_ERROR, "The database is unavailable."),
                },
            }
        },
        "/v1/chat/completions": {
            "post": {
                "operationId": "v1_chat_completions",
                "summary": "Chat completion (OpenAI-compatible); stored in your history like a prompt",
                "tags": ["openai"],
                "security": security,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _chat_request()}}},
                "responses": {
                    "200": {
                        "description": "The answer; with stream: true, server-sent chat.completion.chunk events "
                        "ending with data: [DONE].",
                        "content": {
                            "application/json": {"schema": COMPLETION},
                            # One schema per event: its data is a chat.completion.chunk, or [DONE] last.
                            "text/event-stream": {"schema": SSE_EVENT},
                        },
                    },
                    "400": _openai_error(
                        "Invalid request: error.param names the field (an unknown model: code model_not_found)."
                    ),
                    **COMMON_ERRORS,
                    "404": _openai_error("No such conversation, or template (code prompt_not_found)."),
                    "429": _openai_error("Rate limit reached; see Retry-After."),
                    "502": _openai_error("The remote inference server failed; the prompt is kept."),
                    "503": {
                        "description": "The model is unavailable or busy (OpenAI error; see Retry-After), or the "
                        "database is unavailable.",
                        "content": {"application/json": {"schema": {"oneOf": [OPENAI_ERROR, PLAIN_ERROR]}}},
                    },
                    "504": _openai_error("The model did not answer in time; the prompt is kept."),
                },
            }
        },
    }


def add_openai_paths(result, generator, request, public):
    """drf-spectacular hook: /v1 is plain Django views, outside DRF's introspection."""
    result.setdefault("paths", {}).update(openai_paths())
    return result
