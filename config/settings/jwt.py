"""JSON Web Token settings (djangorestframework-simplejwt)."""

import hashlib
from datetime import timedelta

from .base import DEBUG, SECRET_KEY, SERVER_BIND
from .env import env_int, env_str
from .secret import check_key

# Optional: a key of its own, so SECRET_KEY can be rotated without logging everybody out (and back).
JWT_SIGNING_KEY = env_str("JWT_SIGNING_KEY")
if JWT_SIGNING_KEY:
    check_key("JWT_SIGNING_KEY", JWT_SIGNING_KEY, debug=DEBUG, bind=SERVER_BIND)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # JWT_SIGNING_KEY, or a key derived from SECRET_KEY (HS256 wants at least 32 bytes).
    "SIGNING_KEY": JWT_SIGNING_KEY or hashlib.sha256(f"prompt-forge-jwt:{SECRET_KEY}".encode()).hexdigest(),
    "UPDATE_LAST_LOGIN": False,
    # Every refresh returns a new refresh token and revokes the old one, so a stolen refresh token
    # stops working as soon as its owner refreshes; logout revokes it at once.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "TOKEN_OBTAIN_SERIALIZER": "prompt_forge.accounts.serializers.StrictTokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "prompt_forge.accounts.serializers.StrictTokenRefreshSerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "prompt_forge.accounts.serializers.StrictTokenBlacklistSerializer",
}
