"""One log line per HTTP request and per WebSocket connection: method, path, status, duration, user.

The path is logged without its query string (WebSocket tokens travel there). Each request also
counts towards the serving worker's request counter.
"""

import logging
import os
import time

from django.db import DatabaseError

from prompt_forge.common.metrics import WEBSOCKET_CONNECTIONS, WORKER_REQUESTS

logger = logging.getLogger("prompt_forge.requests")


def _user_id(user) -> str:
    try:
        if user is not None and getattr(user, "is_authenticated", False):
            return str(user.pk)
    except DatabaseError:  # a session user not loaded yet, and the database is down: log, don't fail
        return "-"
    return "-"


def log_request(*, method: str, path: str, status: int, started: float, user, client: str | None) -> None:
    duration_ms = (time.perf_counter() - started) * 1000
    logger.info(
        "method=%s path=%s status=%s duration_ms=%.1f user_id=%s client=%s",
        method, path, status, duration_ms, _user_id(user), client or "-",
    )  # fmt: skip


class RequestLogMiddleware:
    """Django middleware, placed near the top so the duration covers the rest of the stack.

    Synchronous on purpose: reading a session-based user may query the database.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        WORKER_REQUESTS.labels(worker=str(os.getpid())).inc()
        # DRF writes the user it authenticated (JWT) back onto the Django request.
        user = getattr(request, "user", None)
        log_request(
            method=request.method,
            path=request.path,
            status=response.status_code,
            started=started,
            user=user,
            client=request.META.get("REMOTE_ADDR"),
        )
        return response


class WebSocketObserver:
    """ASGI middleware for WebSocket connections: logs each one when it ends and counts open ones.

    Placed inside the JWT middleware, so `scope["user"]` is known. Status is 101 for an accepted
    handshake, 403 for a refused one.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        started = time.perf_counter()
        state = {"status": 403}
        # A consumer that authenticates the socket by its first message records the user here (routers
        # pass consumers a copy of the scope, but this dict is shared).
        scope = {**scope, "request_log": {}}

        async def observed_send(message):
            if message["type"] == "websocket.accept" and state["status"] != 101:
                state["status"] = 101
                WEBSOCKET_CONNECTIONS.inc()
            await send(message)

        try:
            return await self.app(scope, receive, observed_send)
        finally:
            if state["status"] == 101:
                WEBSOCKET_CONNECTIONS.dec()
            client = scope.get("client")
            log_request(
                method="WS",
                path=scope.get("path", ""),
                status=state["status"],
                started=started,
                user=scope["request_log"].get("user", scope.get("user")),
                client=client[0] if client else None,
            )
