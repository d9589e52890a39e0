"""One authentication path for every surface: REST views, /v1 and WebSocket sockets.

A client presents a credential: `Authorization: Bearer <credential>` over HTTP, the `token` query
parameter or `{"type": "auth", "token": ...}` message on a WebSocket. `authenticate_credential` tries
each type listed in PROMPT_FORGE["CREDENTIAL_TYPES"] (prompt_forge/plugins.py) in order; the first
that `accepts()` the string decides: API keys ("pf_...", ApiKeyCredential), then JWTCredential (which
accepts anything, as the fallback). A new type is a class with `accepts` and `authenticate`.
"""

from dataclasses import dataclass
from typing import Protocol

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication

from prompt_forge.plugins import plugins

from . import api_keys


@dataclass(frozen=True)
class Identity:
    """Who a credential names, and until when it is good (what DRF puts in `request.auth`)."""

    user: object
    expires_at: float | None  # Unix time; None: the credential does not expire by itself
    kind: str  # "jwt" or "api_key"
    key_id: int | None = None  # the API key's id (usage and quotas are counted per key too)
    scopes: frozenset[str] | None = None  # an API key's scopes; None: a login, which may do everything


class CredentialType(Protocol):
    kind: str

    def accepts(self, raw: str) -> bool:
        """Whether this string is a credential of this type (a cheap look at its shape, e.g. a prefix)."""
        ...

    def authenticate(self, raw: str) -> Identity:
        """The identity, or AuthenticationFailed (401) for a bad, expired or revoked credential."""
        ...


class JWTCredential:
    """A simplejwt access token (POST /api/token); errors keep simplejwt's documented 401 bodies."""

    kind = "jwt"

    def accepts(self, raw: str) -> bool:
        return True

    def authenticate(self, raw: str) -> Identity:
        jwt = JWTAuthentication()
        token = jwt.get_validated_token(raw)
        return Identity(user=jwt.get_user(token), expires_at=float(token["exp"]), kind=self.kind)


class ApiKeyCredential:
    """An API key, "pf_..." (POST /api/keys): looked up in the database on every request, so a revoked
    key is refused at once by every worker."""

    kind = "api_key"

    def accepts(self, raw: str) -> bool:
        return raw.startswith(api_keys.SECRET_PREFIX)

    def authenticate(self, raw: str) -> Identity:
        key = api_keys.key_for_secret(raw)
        if key is None or not key.user.is_active:
            raise AuthenticationFailed("API key is invalid, expired or revoked", code="invalid_api_key")
        expires_at = key.expires_at.timestamp() if key.expires_at else None
        return Identity(
            user=key.user, expires_at=expires_at, kind=self.kind, key_id=key.pk, scopes=frozenset(key.scopes)
        )


def authenticate_credential(raw: str) -> Identity:
    """The identity behind a credential string; AuthenticationFailed when no configured type takes it."""
    for credential_type in plugins.instances("CREDENTIAL_TYPES"):
        if credential_type.accepts(raw):
            return credential_type.authenticate(raw)
    raise AuthenticationFailed("unknown credential type")


class BearerAuthentication(JWTAuthentication):
    """DRF authentication for `Authorization: Bearer <credential>`, any configured credential type.

    The header parsing and the `WWW-Authenticate: Bearer realm="api"` challenge are simplejwt's.
    """

    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw = self.get_raw_token(header)
        if raw is None:
            return None
        identity = authenticate_credential(raw.decode("latin-1"))
        return identity.user, identity


def authenticate_request(request) -> Identity | None:
    """The identity a plain Django request (the /v1 views) authenticates as, or None."""
    try:
        result = BearerAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return result[1] if result else None
