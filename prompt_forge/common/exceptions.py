"""Every error leaves the API as JSON: 4xx for bad input, 503 for an unavailable model or database."""

import logging
import sys

from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from rest_framework import status
from rest_framework.exceptions import APIException, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler

from prompt_forge.ai.admission import GenerationBusyError
from prompt_forge.ai.base import ModelError, UpstreamError, UpstreamTimeoutError
from prompt_forge.ai.deadline import ModelTimeoutError
from prompt_forge.common.metrics import THROTTLED_REQUESTS
from prompt_forge.search.base import SearchUnavailableError

logger = logging.getLogger(__name__)


class PromptFailedError(APIException):
    """The model could not answer; the prompt is kept (status "failed") so nothing is lost, and
    POST /prompts/{id}/retry/ answers it later.

    503 for a local model, 502 when a remote inference server failed, 504 when either timed out.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self, *, prompt_id: int, reason: str, cause: Exception | None = None) -> None:
        super().__init__(detail=reason)
        self.prompt_id = prompt_id
        self.reason = reason
        if isinstance(cause, ModelTimeoutError):
            self.status_code = status.HTTP_504_GATEWAY_TIMEOUT
            self.message = "the language model timed out; your prompt was saved"
        elif isinstance(cause, UpstreamTimeoutError):
            self.status_code = status.HTTP_504_GATEWAY_TIMEOUT
            self.message = "the inference server timed out; your prompt was saved"
        elif isinstance(cause, UpstreamError):
            self.status_code = status.HTTP_502_BAD_GATEWAY
            self.message = "the inference server failed; your prompt was saved"
        else:
            self.message = "the language model is unavailable; your prompt was saved"

    def as_dict(self) -> dict:
        return {
            "error": self.message,
            "prompt_id": self.prompt_id,
            "reason": self.reason,
            "retry": f"POST /prompts/{self.prompt_id}/retry/",
        }


def busy_response_headers(exc: GenerationBusyError) -> dict:
    return {"Retry-After": str(exc.retry_after)}


DATABASE_UNAVAILABLE = {"error": "the database is unavailable"}


def database_unavailable(exc: DatabaseError) -> JsonResponse:
    """503 JSON for a database failure outside DRF views (plain Django views, the admin, middleware)."""
    logger.error("database error: %s", exc)
    response = JsonResponse(DATABASE_UNAVAILABLE, status=503)
    response["Retry-After"] = "5"
    return response


class DatabaseErrorMiddleware(MiddlewareMixin):
    """Any view that hits an unavailable database answers 503 JSON, in DEBUG mode too (no HTML page)."""

    def process_exception(self, request, exception):
        return database_unavailable(exception) if isinstance(exception, DatabaseError) else None


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
        return Response(DATABASE_UNAVAILABLE, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    return exception_handler(exc, context)


def json_error(message: str, status_code: int, **extra) -> Response:
    return Response({"error": message, **extra}, status=status_code)


# Django's own error views render HTML; these replace them (used when DEBUG is False).
def handler400(request, exception=None):
    return JsonResponse({"error": "bad request"}, status=400)


def handler403(request, exception=None):
    return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)


def handler404(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def handler500(request):
    # Called while the exception is being handled: a database failure anywhere is a 503, not a 500.
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError):
        return database_unavailable(exc)
    return JsonResponse({"error": "internal server error"}, status=500)
