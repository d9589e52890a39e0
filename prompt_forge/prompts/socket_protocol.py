"""What a WebSocket client may send, and the limits on it (size, rate). Documented in README."""

import time
from collections import deque

from django.conf import settings
from rest_framework.exceptions import ParseError

from prompt_forge.common.parsers import strict_loads

CONNECTED_MESSAGE = {"message": "WebSocket connection established"}
# Application close codes (4000-4999): the client should re-authenticate rather than simply retry.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_POLICY_VIOLATION = 1008
CLOSE_TOO_BIG = 1009


class ClientMessageError(Exception):
    """A message the server refuses; `close_code` set means the socket is closed after the error."""

    def __init__(self, message: str, close_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.close_code = close_code


class MessageRateLimit:
    """At most `limit` messages in any `window` seconds on one socket."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def allow(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        while self.times and now - self.times[0] >= self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


def new_rate_limit() -> MessageRateLimit:
    return MessageRateLimit(settings.WS_RATE_MESSAGES, settings.WS_RATE_WINDOW_SECONDS)


def read_client_message(text_data: str | None, bytes_data: bytes | None, rate: MessageRateLimit) -> dict:
    """Check size and rate, then parse; raise ClientMessageError for anything refused."""
    limit = settings.WS_MAX_MESSAGE_BYTES
    size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
    if size > limit:
        raise ClientMessageError(f"message larger than {limit} bytes", CLOSE_TOO_BIG)
    if not rate.allow():
        raise ClientMessageError(f"more than {rate.limit} messages in {rate.window:g} seconds", CLOSE_POLICY_VIOLATION)
    try:
        message = strict_loads(text_data if text_data is not None else (bytes_data or b""))
    except ParseError as exc:  # not JSON, nested too deeply, NUL or a lone surrogate: as on the REST API
        raise ClientMessageError(f"messages must be JSON: {exc.detail}") from exc
    if not isinstance(message, dict):
        raise ClientMessageError("messages must be JSON objects")
    return message


def error_message(text: str, **extra) -> dict:
    return {"type": "error", "error": text, **extra}
