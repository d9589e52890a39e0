"""WebSocket authentication with a JWT access token from the `token` query parameter."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken


@database_sync_to_async
def user_for_token(raw_token: str):
    """The active user the access token names, or AnonymousUser for a bad, expired or orphan token."""
    try:
        token = AccessToken(raw_token)
    except TokenError:
        return AnonymousUser()
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}, is_active=True).first()
    return user or AnonymousUser()


def token_from_query(scope) -> str | None:
    params = parse_qs(scope.get("query_string", b"").decode("latin1"))
    values = params.get("token")
    return values[0] if values else None


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        raw_token = token_from_query(scope)
        scope["user"] = await user_for_token(raw_token) if raw_token else AnonymousUser()
        return await super().__call__(scope, receive, send)
