"""Which budgets a request counts against: its user's, and its API key's when the key has lower ones.

Defaults come from QUOTA_TOKENS_PER_DAY / QUOTA_TOKENS_PER_MONTH (0: unlimited), a user's own from
UserQuota (the Django admin). Days and months are UTC; a budget resets at the next one's start.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from prompt_forge.accounts.models import ApiKey

from .models import UserQuota


@dataclass(frozen=True)
class Budget:
    subject: str  # "user:<id>" or "key:<id>"
    period: str  # "day" or "month"
    limit: int  # tokens
    starts: date
    resets_at: datetime

    @property
    def counter(self) -> str:
        return f"{self.subject}:{self.period}:{self.starts.isoformat()}"

    def describe(self) -> str:
        owner = "your" if self.subject.startswith("user:") else "this API key's"
        return f"{owner} {'daily' if self.period == 'day' else 'monthly'} token budget"


def _periods(now: datetime) -> dict[str, tuple[date, datetime]]:
    today = now.astimezone(UTC).date()
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    month = today.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return {"day": (today, tomorrow), "month": (month, datetime.combine(next_month, datetime.min.time(), tzinfo=UTC))}


def budgets_for(*, user_id: int, key_id: int | None, now: datetime) -> list[Budget]:
    """The budgets (limit above 0) a request by this user, with this key, counts against now."""
    override = UserQuota.objects.filter(user_id=user_id).first()
    limits = {
        ("user", "day"): _pick(override and override.tokens_per_day, settings.QUOTA_TOKENS_PER_DAY),
        ("user", "month"): _pick(override and override.tokens_per_month, settings.QUOTA_TOKENS_PER_MONTH),
    }
    if key_id is not None:
        key = ApiKey.objects.filter(pk=key_id).values("quota_tokens_per_day", "quota_tokens_per_month").first()
        if key:
            limits[("key", "day")] = key["quota_tokens_per_day"] or 0
            limits[("key", "month")] = key["quota_tokens_per_month"] or 0
    periods = _periods(now)
    ids = {"user": user_id, "key": key_id}
    return [
        Budget(f"{kind}:{ids[kind]}", period, limit, *periods[period])
        for (kind, period), limit in limits.items()
        if limit > 0
    ]


def _pick(override: int | None, default: int) -> int:
    return override if override is not None else default
