"""Browsers send Origin on WebSocket handshakes; it must name one of ALLOWED_HOSTS.

Non-browser clients (scripts, the CLI) send no Origin and cannot be used for cross-site attacks,
so a missing Origin is accepted; authentication is still required by the JWT middleware.
"""

from channels.security.websocket import OriginValidator
from django.conf import settings


class OptionalOriginValidator(OriginValidator):
    def __init__(self, application) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin) -> bool:
        if parsed_origin is None:
            return True
        return super().valid_origin(parsed_origin)
