"""WebSocket authentication, through the same credential types as every HTTP request.

The token (a JWT access token, or any configured credential type) comes from the `token` query
parameter, or (so it stays out of URLs and access logs) in the socket's first message: see
PromptConsumer. The identity is kept: its expiry closes the socket when it lapses, an API key's scopes
limit what the socket may do.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed

from .authentication import Identity, authenticate_credential


@database_sync_to_async
def authenticate_token(raw_token: str) -> Identity | None:
    """The identity behind a valid credential (its user, expiry, and an API key's scopes), else None."""
    try:
        return authenticate_credential(raw_token)
    except AuthenticationFailed:
        return None


def token_from_query(scope) -> str | None:
    # Blank values kept: "?token=" is a bad token (refused), not a missing one.
    params = parse_qs(scope.get("query_string", b"").decode("latin1"), keep_blank_values=True)
    values = params.get("token")
    return values[0] if values else None


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        raw_token = token_from_query(scope)
        scope["token_in_query"] = raw_token is not None
        identity = await authenticate_token(raw_token) if raw_token else None
        scope["identity"] = identity
        scope["user"] = identity.user if identity is not None else AnonymousUser()
        return await super().__call__(scope, receive, send)
