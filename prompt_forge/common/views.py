"""Liveness and readiness probes for load balancers and orchestrators."""

from django.db import connection
from django.http import JsonResponse

from prompt_forge.ai.registry import loaded_models


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means not ready
        problems.append("database")
    problems += [f"{kind} model not loaded" for kind, loaded in loaded_models().items() if not loaded]
    if problems:
        return JsonResponse({"status": "not ready", "not_ready": problems}, status=503)
    return JsonResponse({"status": "ready"})
