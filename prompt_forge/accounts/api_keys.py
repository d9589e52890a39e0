"""API key verbs: create (the secret is returned once), list, revoke, and look one up by its secret.

The secret is "pf_" + 32 random bytes, URL-safe; only its SHA-256 is stored. Every request looks its
key up in the database (one indexed query), so a revoked key stops working at once in every worker.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ApiKey

SECRET_PREFIX = "pf_"
SHOWN_PREFIX_CHARS = len(SECRET_PREFIX) + 8
# last_used_at is written at most this often per key, so a busy key does not write on every request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class TooManyKeysError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"a user may hold at most {limit} active API keys; revoke one first")
        self.limit = limit


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _active() -> Q:
    return Q(revoked_at__isnull=True)


def key_create(
    *,
    user_id: int,
    name: str,
    scopes: list[str],
    expires_in_days: int | None = None,
    quota_tokens_per_day: int | None = None,
    quota_tokens_per_month: int | None = None,
) -> CreatedKey:
    """A new key for the user; TooManyKeysError past API_KEYS_MAX_PER_USER active keys."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    limit = settings.API_KEYS_MAX_PER_USER
    with transaction.atomic():
        # Counted under the user's row lock (PostgreSQL) or SQLite's write lock: two requests can't both pass.
        _lock_user(user_id)
        if ApiKey.objects.filter(_active(), user_id=user_id).count() >= limit:
            raise TooManyKeysError(limit)
        key = ApiKey.objects.create(
            user_id=user_id,
            name=name,
            prefix=secret[:SHOWN_PREFIX_CHARS],
            secret_hash=hash_secret(secret),
            scopes=sorted(set(scopes)),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
            quota_tokens_per_day=quota_tokens_per_day,
            quota_tokens_per_month=quota_tokens_per_month,
        )
    return CreatedKey(key=key, secret=secret)


def _lock_user(user_id: int) -> None:
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def key_list(*, user_id: int):
    """The user's active keys, newest first."""
    return ApiKey.objects.filter(_active(), user_id=user_id)


def key_revoke(*, user_id: int, key_id: int) -> bool:
    """Revoke one of the user's keys at once; False when it is not theirs, missing or already revoked."""
    return bool(ApiKey.objects.filter(_active(), user_id=user_id, pk=key_id).update(revoked_at=timezone.now()))


def key_is_active(*, key_id: int) -> bool:
    """Whether the key still authenticates (not revoked, not expired): long-lived sockets ask again."""
    now = timezone.now()
    return ApiKey.objects.filter(_active(), Q(expires_at__isnull=True) | Q(expires_at__gt=now), pk=key_id).exists()


def key_for_secret(secret: str) -> ApiKey | None:
    """The active, unexpired key with this secret (its user loaded), or None. Records its use."""
    now = timezone.now()
    key = (
        ApiKey.objects.select_related("user")
        .filter(_active(), Q(expires_at__isnull=True) | Q(expires_at__gt=now), secret_hash=hash_secret(secret))
        .first()
    )
    if key is not None and (key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
