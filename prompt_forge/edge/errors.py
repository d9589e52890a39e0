"""The one table from domain errors to what each surface answers: REST, /v1 and WebSocket.

Domain packages raise plain exceptions (prompts/errors.py, ai/base.py, ai/admission.py,
ai/deadline.py, search/base.py); only the surfaces (DRF's exception handler below, the /v1 views,
the WebSocket consumer) turn them into replies, through `reply_for`. A new domain error gets a row
in `_TABLE`, and every surface answers it consistently.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler

from prompt_forge.accounts.api_keys import TooManyKeysError
from prompt_forge.accounts.scopes import KeysForbiddenError, MissingScopeError
from prompt_forge.ai.admission import GenerationBusyError, PromptTooLongError
from prompt_forge.ai.base import ModelError, UpstreamError, UpstreamTimeoutError
from prompt_forge.ai.catalog import UnknownModelError
from prompt_forge.ai.deadline import ModelTimeoutError
from prompt_forge.common.exceptions import DATABASE_UNAVAILABLE
from prompt_forge.common.metrics import THROTTLED_REQUESTS
from prompt_forge.prompt_templates.errors import InvalidTemplateError, TemplateConflictError, TemplateNotFoundError
from prompt_forge.prompts.conversations.errors import ConversationNotFoundError
from prompt_forge.prompts.errors import (
    InvalidRequestError,
    PromptDeletedError,
    PromptFailedError,
    PromptNotRetriableError,
)
from prompt_forge.search.base import SearchUnavailableError
from prompt_forge.usage.ledger import QuotaUnavailableError
from prompt_forge.usage.quota import QuotaExceededError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorReply:
    status: int
    body: dict  # REST: the JSON body
    headers: dict[str, str] = field(default_factory=dict)
    # /v1: OpenAI's {"error": {...}} fields; None: /v1 lets the error through (a plain 5xx / 503 JSON)
    openai: dict | None = None
    openai_headers: dict[str, str] = field(default_factory=dict)
    socket: dict | None = None  # WebSocket: the message sent; None: the socket reports a generic error


def _prompt_failed(exc: PromptFailedError) -> ErrorReply:
    cause = exc.cause
    if isinstance(cause, ModelTimeoutError):
        code, message = status.HTTP_504_GATEWAY_TIMEOUT, "the language model timed out; your prompt was saved"
    elif isinstance(cause, UpstreamTimeoutError):
        code, message = status.HTTP_504_GATEWAY_TIMEOUT, "the inference server timed out; your prompt was saved"
    elif isinstance(cause, UpstreamError):
        code, message = status.HTTP_502_BAD_GATEWAY, "the inference server failed; your prompt was saved"
    else:
        code, message = status.HTTP_503_SERVICE_UNAVAILABLE, "the language model is unavailable; your prompt was saved"
    body = {
        "error": message,
        "prompt_id": exc.prompt_id,
        "reason": exc.reason,
        "retry": f"POST /prompts/{exc.prompt_id}/retry/",
    }
    return ErrorReply(
        status=code,
        body=body,
        headers={"Retry-After": "5"},
        # The prompt is kept in the caller's history: /v1 says which one.
        openai={
            "message": f"{message}: {exc.reason}",
            "type": "server_error",
            "code": "model_error",
            "prompt_id": exc.prompt_id,
        },
        socket={"type": "prompt.failed", "id": exc.prompt_id, **body},
    )


def _busy(exc: GenerationBusyError) -> ErrorReply:
    retry_after = {"Retry-After": str(exc.retry_after)}
    return ErrorReply(
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        body={"error": str(exc)},
        headers=retry_after,
        openai={"message": str(exc), "type": "server_error", "code": "server_busy"},
        openai_headers=retry_after,
        socket={"type": "error", "error": str(exc), "retry_after": exc.retry_after},
    )


def _invalid(exc: InvalidRequestError | InvalidTemplateError) -> ErrorReply:
    return ErrorReply(
        status=status.HTTP_400_BAD_REQUEST,
        body={"error": str(exc)},
        openai={"message": str(exc), "type": "invalid_request_error", "param": exc.param},
        socket={"type": "error", "error": str(exc)},
    )


def _too_long(exc: PromptTooLongError) -> ErrorReply:
    # Retrying cannot help: a 400 naming the limit, never a 503 with a retry offer.
    return ErrorReply(
        status=status.HTTP_400_BAD_REQUEST,
        body={"error": str(exc), "prompt_tokens": exc.tokens, "max_prompt_tokens": exc.limit},
        openai={
            "message": str(exc),
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        },
        socket={"type": "error", "error": str(exc)},
    )


def _conversation_not_found(exc: ConversationNotFoundError) -> ErrorReply:
    # Another user's conversation or turn reads exactly like a missing one.
    return ErrorReply(
        status=status.HTTP_404_NOT_FOUND,
        body={"detail": str(exc)},
        openai={
            "message": str(exc),
            "type": "invalid_request_error",
            "param": exc.param,
            "code": "conversation_not_found",
        },
        socket={"type": "error", "error": str(exc)},
    )


def _template_not_found(exc: TemplateNotFoundError) -> ErrorReply:
    # Another user's template reads exactly like a missing one.
    return ErrorReply(
        status=status.HTTP_404_NOT_FOUND,
        body={"detail": str(exc)},
        openai={"message": str(exc), "type": "invalid_request_error", "param": exc.param, "code": "prompt_not_found"},
        socket={"type": "error", "error": str(exc)},
    )


def _template_conflict(exc: TemplateConflictError) -> ErrorReply:
    return ErrorReply(status=status.HTTP_409_CONFLICT, body={"error": str(exc)})


def _not_retriable(exc: PromptNotRetriableError) -> ErrorReply:
    return ErrorReply(
        status=status.HTTP_409_CONFLICT, body={"error": str(exc)}, socket={"type": "error", "error": str(exc)}
    )


def _deleted(exc: PromptDeletedError) -> ErrorReply:
    return ErrorReply(
        status=status.HTTP_409_CONFLICT,
        body={"detail": str(exc)},
        openai={"message": str(exc), "type": "invalid_request_error", "code": "prompt_deleted"},
        socket={"type": "error", "error": str(exc)},
    )


def _model_unavailable(exc: ModelError) -> ErrorReply:
    logger.error("model unavailable: %s", exc)
    return ErrorReply(
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        body={"error": "the language model is unavailable", "reason": str(exc)},
        headers={"Retry-After": "5"},
    )


def _search_unavailable(exc: SearchUnavailableError) -> ErrorReply:
    logger.error("search unavailable: %s", exc)
    return ErrorReply(
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        body={"error": "similarity search is unavailable", "reason": str(exc)},
        headers={"Retry-After": "30"},
    )


def _missing_scope(exc: MissingScopeError) -> ErrorReply:
    return ErrorReply(
        status=status.HTTP_403_FORBIDDEN,
        body={"error": str(exc), "required_scope": exc.scope},
        openai={"message": str(exc), "type": "permission_error", "code": "missing_scope", "required_scope": exc.scope},
        socket={"type": "error", "error": str(exc), "required_scope": exc.scope},
    )


def _keys_forbidden(exc: KeysForbiddenError) -> ErrorReply:
    return ErrorReply(status=status.HTTP_403_FORBIDDEN, body={"error": str(exc)})


def _too_many_keys(exc: TooManyKeysError) -> ErrorReply:
    return ErrorReply(status=status.HTTP_400_BAD_REQUEST, body={"error": str(exc), "limit": exc.limit})


def _unknown_model(exc: UnknownModelError) -> ErrorReply:
    return ErrorReply(
        status=status.HTTP_400_BAD_REQUEST,
        body={"error": str(exc), "models": exc.known},
        openai={"message": str(exc), "type": "invalid_request_error", "param": "model", "code": "model_not_found"},
        socket={"type": "error", "error": str(exc), "models": exc.known},
    )


def _over_quota(exc: QuotaExceededError) -> ErrorReply:
    figures = {"limit": exc.limit, "used": exc.used, "resets_at": exc.resets_at.isoformat()}
    retry_after = {"Retry-After": str(exc.retry_after)}
    return ErrorReply(
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        body={"error": str(exc), **figures},
        headers=retry_after,
        openai={"message": str(exc), "type": "insufficient_quota", "code": "insufficient_quota", **figures},
        openai_headers=retry_after,
        socket={"type": "error", "error": str(exc), **figures, "retry_after": exc.retry_after},
    )


def _quota_unavailable(exc: QuotaUnavailableError) -> ErrorReply:
    retry_after = {"Retry-After": str(exc.retry_after)}
    return ErrorReply(
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        body={"error": str(exc)},
        headers=retry_after,
        openai={"message": str(exc), "type": "server_error", "code": "server_busy"},
        openai_headers=retry_after,
        socket={"type": "error", "error": str(exc), "retry_after": exc.retry_after},
    )


def _database_unavailable(exc: DatabaseError) -> ErrorReply:
    logger.error("database error: %s", exc)
    return ErrorReply(
        status=status.HTTP_503_SERVICE_UNAVAILABLE, body=DATABASE_UNAVAILABLE, headers={"Retry-After": "5"}
    )


# First match wins: subclasses before their bases.
_TABLE: list[tuple[type[Exception], Callable[..., ErrorReply]]] = [
    (InvalidRequestError, _invalid),
    (MissingScopeError, _missing_scope),
    (UnknownModelError, _unknown_model),
    (QuotaExceededError, _over_quota),
    (QuotaUnavailableError, _quota_unavailable),
    (KeysForbiddenError, _keys_forbidden),
    (TooManyKeysError, _too_many_keys),
    (PromptTooLongError, _too_long),
    (ConversationNotFoundError, _conversation_not_found),
    (TemplateNotFoundError, _template_not_found),
    (InvalidTemplateError, _invalid),
    (TemplateConflictError, _template_conflict),
    (PromptNotRetriableError, _not_retriable),
    (PromptDeletedError, _deleted),
    (PromptFailedError, _prompt_failed),
    (GenerationBusyError, _busy),
    (ModelError, _model_unavailable),
    (SearchUnavailableError, _search_unavailable),
    (DatabaseError, _database_unavailable),
]


def reply_for(exc: BaseException) -> ErrorReply | None:
    """How every surface answers this error; None for an error the table does not know."""
    for kind, build in _TABLE:
        if isinstance(exc, kind):
            return build(exc)
    return None


def json_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: domain errors through the table, DRF's own (401, 404, 429...) as DRF does."""
    if isinstance(exc, Throttled):
        view = context.get("view")
        THROTTLED_REQUESTS.labels(view=type(view).__name__ if view else "unknown").inc()
    reply = reply_for(exc)
    if reply is not None:
        return Response(reply.body, status=reply.status, headers=reply.headers)
    return exception_handler(exc, context)
