"""The browser UI: one page whose scripts talk to the same JSON API and WebSocket as any client."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


def _content_security_policy(request: HttpRequest) -> str:
    # Only this origin's own files and sockets: the page loads nothing from elsewhere, and an
    # injected inline script would not run.
    host = request.get_host()
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' ws://{host} wss://{host}",
            "img-src 'self' data:",
            "script-src 'self'",
            "style-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "prompt_max_chars": settings.PROMPT_MAX_CHARS,
        "search_max_chars": settings.SEARCH_QUERY_MAX_CHARS,
        "cache_threshold": settings.SEMANTIC_CACHE_THRESHOLD,
    }
    response = render(request, "web/index.html", context)
    response["Content-Security-Policy"] = _content_security_policy(request)
    response["Referrer-Policy"] = "same-origin"
    return response
