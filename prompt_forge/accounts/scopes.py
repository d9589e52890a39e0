"""What an API key may do. A JWT (a login) may do everything; a key only what its scopes name.

A view says which scope it needs with `required_scopes = {"read": ..., "write": ...}` (read: GET,
HEAD, OPTIONS; write: the rest); views that say nothing need `prompts:read` / `prompts:write`.
`keys_forbidden = True` refuses keys altogether (the key management endpoints: only a login may
create or revoke keys). /v1 and the WebSocket ask `require_scope` directly.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

PROMPTS_READ = "prompts:read"
PROMPTS_WRITE = "prompts:write"
V1 = "v1"
CONVERSATIONS = "conversations"
ALL_SCOPES = (PROMPTS_READ, PROMPTS_WRITE, V1, CONVERSATIONS)

PROMPTS = {"read": PROMPTS_READ, "write": PROMPTS_WRITE}
CONVERSATION_SCOPES = {"read": CONVERSATIONS, "write": CONVERSATIONS}
V1_SCOPES = {"read": V1, "write": V1}


class MissingScopeError(Exception):
    """The request was made with an API key that lacks the scope this endpoint needs."""

    def __init__(self, scope: str) -> None:
        super().__init__(f'this API key lacks the scope "{scope}"')
        self.scope = scope


class KeysForbiddenError(Exception):
    """An API key was used where only a login (a JWT) is accepted."""

    def __init__(self) -> None:
        super().__init__("API keys cannot manage API keys: log in (POST /api/token) and use the access token")


def require_scope(identity, scope: str) -> None:
    """Raise MissingScopeError when `identity` (request.auth) is an API key without `scope`."""
    scopes = getattr(identity, "scopes", None)
    if scopes is not None and scope not in scopes:
        raise MissingScopeError(scope)


def key_id_of(identity) -> int | None:
    """The API key a request was made with (request.auth), or None for a login."""
    return getattr(identity, "key_id", None)


def is_key(identity) -> bool:
    return getattr(identity, "scopes", None) is not None


class KeyScopes(BasePermission):
    """DRF permission (a default one): a key's scopes must cover what the view needs."""

    def has_permission(self, request, view) -> bool:
        if not is_key(request.auth):
            return True
        if getattr(view, "keys_forbidden", False):
            raise KeysForbiddenError()
        needed = getattr(view, "required_scopes", PROMPTS)
        require_scope(request.auth, needed["read" if request.method in SAFE_METHODS else "write"])
        return True
