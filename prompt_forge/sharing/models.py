"""Read-only links to one conversation: only a hash of the link's token is kept."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ShareLink(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links")
    conversation = models.ForeignKey("prompts.Conversation", on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the token, hex
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)  # null: until revoked

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="share_user_recent")]

    def __str__(self) -> str:
        return f"share of conversation {self.conversation_id}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
