"""Every error leaves the API as JSON: 4xx for bad input, 503 for an unavailable model or database."""

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from rest_framework import status
from rest_framework.exceptions import APIException, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler

from prompt_forge.ai.admission import GenerationBusyError
from prompt_forge.ai.base import ModelError, UpstreamError, UpstreamTimeoutError
from prompt_forge.common.metrics import THROTTLED_REQUESTS
from prompt_forge.search.base import SearchUnavailableError

logger = logging.getLogger(__name__)


class PromptFailedError(APIException):
    """The model could not answer; the prompt is kept (status "failed") so nothing is lost.

    503 for a local model, 502 when a remote inference server failed, 504 when it timed out.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self, *, prompt_id: int, reason: str, cause: Exception | None = None) -> None:
        super().__init__(detail=reason)
        self.prompt_id = prompt_id
        self.reason = reason
        if isinstance(cause, UpstreamTimeoutError):
            self.status_code = status.HTTP_504_GATEWAY_TIMEOUT
            self.message = "the inference server timed out; your prompt was saved"
        elif isinstance(cause, UpstreamError):
            self.status_code = status.HTTP_502_BAD_GATEWAY
            self.message = "the inference server failed; your prompt was saved"
        else:
            self.message = "the language model is unavailable; your prompt was saved"

    def as_dict(self) -> dict:
        return {"error": self.message, "prompt_id": self.prompt_id, "reason": self.reason}


def busy_response_headers(exc: GenerationBusyError) -> dict:
    return {"Retry-After": str(exc.retry_after)}


def json_exception_handler(exc, context):
    if isinstance(exc, Throttled):
        view = context.get("view")
        THROTTLED_REQUESTS.labels(view=type(view).__name__ if view else "unknown").inc()
    if isinstance(exc, PromptFailedError):
        return Response(exc.as_dict(), status=exc.status_code, headers={"Retry-After": "5"})
    if isinstance(exc, GenerationBusyError):
        return Response(
            {"error": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=busy_response_headers(exc)
        )
    if isinstance(exc, ModelError):
        logger.error("model unavailable: %s", exc)
        return Response(
            {"error": "the language model is unavailable", "reason": str(exc)},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, SearchUnavailableError):
        logger.error("search unavailable: %s", exc)
        return Response(
            {"error": "similarity search is unavailable", "reason": str(exc)},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "30"},
        )
    if isinstance(exc, DatabaseError):
        logger.error("database error: %s", exc)
        return Response(
            {"error": "the database is unavailable"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    return exception_handler(exc, context)


def json_error(message: str, status_code: int, **extra) -> Response:
    return Response({"error": message, **extra}, status=status_code)


def handler404(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def handler500(request):
    return JsonResponse({"error": "internal server error"}, status=500)
