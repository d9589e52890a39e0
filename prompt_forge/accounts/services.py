from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

User = get_user_model()


@transaction.atomic
def user_create(*, username: str, password: str, email: str = "") -> User:
    return User.objects.create_user(username=username, email=email, password=password)


def refresh_token_user(token: RefreshToken) -> User:
    """The active user a refresh token belongs to; a deleted or inactive user's token is invalid."""
    user = User.objects.filter(**{api_settings.USER_ID_FIELD: token.payload.get(api_settings.USER_ID_CLAIM)}).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise TokenError("Token is invalid or expired")
    return user


def refresh_token_spend(token: RefreshToken, *, user: User) -> None:
    """Blacklist a refresh token being rotated, exactly once: of concurrent refreshes with one token, only
    the one whose insert succeeds (the blacklist's token column is unique) may issue new tokens."""
    expires_at = datetime_from_epoch(token["exp"])
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token[api_settings.JTI_CLAIM],
        defaults={"user": user, "token": str(token), "created_at": token.current_time, "expires_at": expires_at},
    )
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as exc:
        raise TokenError("Token is blacklisted") from exc
