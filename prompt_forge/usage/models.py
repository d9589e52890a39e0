"""Budget overrides per user, and the database's token counters (used when no Redis is configured)."""

from django.conf import settings
from django.db import models


class UserQuota(models.Model):
    """A user's own budgets, replacing QUOTA_TOKENS_PER_DAY / _PER_MONTH (set in the Django admin).
    Empty: the default applies; 0: unlimited."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota")
    tokens_per_day = models.PositiveBigIntegerField(null=True, blank=True)
    tokens_per_month = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"budgets of user {self.user_id}"


class TokenCounter(models.Model):
    """Tokens reserved or spent by one subject ("user:<id>" or "key:<id>") in one period."""

    subject = models.CharField(max_length=40)
    period = models.CharField(max_length=8)  # "day" or "month"
    starts = models.DateField()
    used = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "period", "starts"], name="token_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.period} {self.starts}: {self.used}"
