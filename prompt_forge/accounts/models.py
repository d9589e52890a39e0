"""API keys: static credentials for programs (OpenAI clients, scripts), stored as a hash only."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    # The first characters of the secret ("pf_" + 8), shown in lists so a person can tell keys apart.
    prefix = models.CharField(max_length=16)
    # SHA-256 of the whole secret, hex: the secret itself is never stored.
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Revoked keys stay (their usage history keeps its name) but never authenticate again.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Lower budgets than the owner's for requests made with this key (None: the owner's apply alone).
    quota_tokens_per_day = models.PositiveBigIntegerField(null=True, blank=True)
    quota_tokens_per_month = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apikey_user_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of user {self.user_id}"
