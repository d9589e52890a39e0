"""Liveness and readiness probes for load balancers and orchestrators, the metrics endpoint, and their
OpenAPI description."""

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from prompt_forge.ai.registry import loaded_models
from prompt_forge.common.metrics_export import metrics_access_allowed, render_metrics
from prompt_forge.search.readiness import index_problem

logger = logging.getLogger(__name__)


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means not ready
        problems.append("database")
    models = [f"{kind} model not loaded" for kind, loaded in loaded_models().items() if not loaded]
    problems += models
    # The index is built with the embedder's name, so it is checked once the models are loaded.
    if not models and (problem := index_problem()):
        problems.append(problem)
    if problems:
        # Expected while models load: INFO, instead of django.request's ERROR line for every 5xx.
        logger.info("not ready: %s", ", ".join(problems))
        response = JsonResponse({"status": "not ready", "not_ready": problems}, status=503)
        response._has_been_logged = True
        return response
    return JsonResponse({"status": "ready"})


def metrics(request):
    allowed = metrics_access_allowed(
        remote_addr=request.META.get("REMOTE_ADDR"), authorization=request.headers.get("Authorization", "")
    )
    if not allowed:
        return JsonResponse({"detail": "metrics are not available from this address"}, status=403)
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)


def _probe(summary: str, description: str, responses: dict) -> dict:
    return {"get": {"operationId": summary, "summary": description, "tags": ["health"], "responses": responses}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_probes(result, generator, request, public):
    """drf-spectacular hook: the probes and /metrics are plain Django views, outside DRF's introspection."""
    status = {"type": "object", "properties": {"status": {"type": "string"}}, "required": ["status"]}
    not_ready = {
        "type": "object",
        "properties": {"status": {"type": "string"}, "not_ready": {"type": "array", "items": {"type": "string"}}},
        "required": ["status", "not_ready"],
    }
    error = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
    paths = result.setdefault("paths", {})
    paths["/healthz"] = _probe("healthz", "Liveness: the process answers.", {"200": _json(status, "Alive.")})
    paths["/readyz"] = _probe(
        "readyz",
        "Readiness: database reachable, models loaded, search index ready.",
        {"200": _json(status, "Ready."), "503": _json(not_ready, "What is not ready yet.")},
    )
    paths["/metrics/"] = _probe(
        "metrics",
        "Prometheus metrics (text exposition format); restricted outside loopback (see README).",
        {
            "200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "403": _json(error, "Not available from this address."),
        },
    )
    return result
