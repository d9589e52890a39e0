"""HTTPS-only where TLS is in front: a request the TLS proxy saw over plain HTTP is sent to https://.

The proxy (nginx/promptforge.conf) sets X-Forwarded-Proto to the scheme it was reached with. Without
that header the request came to the API port directly, where no TLS exists to redirect to.
"""

import re

from django.conf import settings
from django.http import HttpResponsePermanentRedirect


class ProxiedHTTPSRedirectMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.exempt = [re.compile(pattern) for pattern in settings.SECURE_REDIRECT_EXEMPT]

    def __call__(self, request):
        proto = request.META.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
        path = request.path.lstrip("/")
        if proto == "http" and not settings.DEBUG and not any(pattern.search(path) for pattern in self.exempt):
            return HttpResponsePermanentRedirect(f"https://{request.get_host()}{request.get_full_path()}")
        return self.get_response(request)
