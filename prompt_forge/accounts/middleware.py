"""WebSocket authentication with a JWT access token.

The token comes from the `token` query parameter, or (so it stays out of URLs and access logs) in
the socket's first message: see PromptConsumer. The token's expiry is kept so the socket can be
closed when it lapses.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken


@database_sync_to_async
def authenticate_token(raw_token: str):
    """(user, expiry as a Unix time) for a valid access token; (AnonymousUser, None) otherwise."""
    try:
        token = AccessToken(raw_token)
    except TokenError:
        return AnonymousUser(), None
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}, is_active=True).first()
    if user is None:
        return AnonymousUser(), None
    return user, float(token["exp"])


async def user_for_token(raw_token: str):
    """The active user the access token names, or AnonymousUser for a bad, expired or orphan token."""
    user, _ = await authenticate_token(raw_token)
    return user


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
