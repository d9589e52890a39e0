"""WebSocket authentication, through the same credential types as every HTTP request.

The token (a JWT access token, or any configured credential type) comes from the `token` query
parameter, or (so it stays out of URLs and access logs) in the socket's first message: see
PromptConsumer. The token's expiry is kept so the socket can be closed when it lapses.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed

from .authentication import authenticate_credential


@database_sync_to_async
def authenticate_token(raw_token: str):
    """(user, expiry as a Unix time or None) for a valid credential; (AnonymousUser, None) otherwise."""
    try:
        identity = authenticate_credential(raw_token)
    except AuthenticationFailed:
        return AnonymousUser(), None
    return identity.user, identity.expires_at


def token_from_query(scope) -> str | None:
    # Blank values kept: "?token=" is a bad token (refused), not a missing one.
    params = parse_qs(scope.get("query_string", b"").decode("latin1"), keep_blank_values=True)
    values = params.get("token")
    return values[0] if values else None


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        raw_token = token_from_query(scope)
        scope["token_in_query"] = raw_token is not None
        if raw_token:
            scope["user"], scope["token_expires_at"] = await authenticate_token(raw_token)
        else:
            scope["user"], scope["token_expires_at"] = AnonymousUser(), None
        return await super().__call__(scope, receive, send)
