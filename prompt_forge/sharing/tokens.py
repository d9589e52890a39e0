"""Share tokens: 256 random bits, URL-safe; the database keeps only their SHA-256."""

import hashlib
import re
import secrets

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str | None:
    """The stored hash of a well-formed token, or None for anything that cannot be one."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    return hashlib.sha256(token.encode()).hexdigest()
