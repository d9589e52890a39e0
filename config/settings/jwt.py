"""JSON Web Token settings (djangorestframework-simplejwt)."""

import hashlib
from datetime import timedelta

from .base import SECRET_KEY
from .env import env_int

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # A key derived from SECRET_KEY: HS256 wants at least 32 bytes whatever SECRET_KEY's length.
    "SIGNING_KEY": hashlib.sha256(f"prompt-forge-jwt:{SECRET_KEY}".encode()).hexdigest(),
    "UPDATE_LAST_LOGIN": False,
    # Every refresh returns a new refresh token and revokes the old one, so a stolen refresh token
    # stops working as soon as its owner refreshes; logout revokes it at once.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "TOKEN_OBTAIN_SERIALIZER": "prompt_forge.accounts.serializers.StrictTokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "prompt_forge.accounts.serializers.StrictTokenRefreshSerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "prompt_forge.accounts.serializers.StrictTokenBlacklistSerializer",
}
