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
}
