"""Request body size limit (MAX_REQUEST_BYTES), enforced before any parsing.

Two layers, because a body can arrive with or without a Content-Length header:
- `RequestSizeLimitMiddleware` (Django) rejects a declared Content-Length over the limit under any server
  (ASGI, WSGI, the test client). DRF's JSON parser alone would read any size.
- `BodySizeLimit` (ASGI) also counts the bytes of bodies streamed without a length (chunked), so an
  oversized upload is cut off while it arrives instead of being spooled to disk first.
"""

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin


def max_request_bytes(path: str = "") -> int:
    """The limit for a request to `path`: MAX_REQUEST_BYTES, or a larger one for an upload endpoint."""
    larger = settings.REQUEST_BYTES_BY_PATH.get(path.rstrip("/"))
    return larger if larger is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_body(path: str = "") -> dict:
    return {"error": f"request body must be at most {max_request_bytes(path)} bytes"}


def declared_length(raw: str | bytes | None) -> int | None:
    """The Content-Length as an int, None when absent, -1 when malformed."""
    if raw in (None, "", b""):
        return None
    try:
        value = int(raw)
    except ValueError:
        return -1
    return value if value >= 0 else -1


class RequestSizeLimitMiddleware(MiddlewareMixin):
    def process_request(self, request):
        length = declared_length(request.META.get("CONTENT_LENGTH"))
        if length == -1:
            return JsonResponse({"error": "invalid Content-Length header"}, status=400)
        if length is not None and length > max_request_bytes(request.path):
            return JsonResponse(too_large_body(request.path), status=413)
        return None


class BodySizeLimit:
    """ASGI middleware for HTTP: 413 JSON as soon as a body exceeds the limit, declared or streamed."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        limit = max_request_bytes(path)
        headers = dict(scope.get("headers") or [])
        length = declared_length(headers.get(b"content-length"))
        if length is not None and length > limit:
            return await self._reject(send, path)

        received = 0
        exceeded = False
        response_started = False

        async def limited_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    # Django stops reading and returns without answering; we answer below.
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if exceeded and not response_started:
            await self._reject(send, path)

    @staticmethod
    async def _reject(send, path: str) -> None:
        body = json.dumps(too_large_body(path)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
