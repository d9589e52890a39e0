"""Every error leaves the API as JSON, even outside DRF: Django's error views and database failures.

Domain errors (bad input, model failures...) are mapped in prompt_forge/edge/errors.py.
"""

import logging
import sys

from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)


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
