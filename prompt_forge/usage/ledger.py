"""Token counters, changed atomically across every process: in Redis (one Lua script checks every
budget and reserves in all of them, or in none) when the cache is Redis, else in the database (the
counter rows locked with SELECT ... FOR UPDATE; SQLite's write transaction serialises the same way).

A reservation is admitted while each budget still has tokens left (used < limit), so the tokens
counted never pass a budget by more than one request's reservation, whatever the concurrency.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import F

from .budgets import Budget
from .models import TokenCounter

logger = logging.getLogger(__name__)


class QuotaUnavailableError(Exception):
    """The counters cannot be reached (Redis down): a request with a budget is refused (503), never let
    through unchecked."""

    retry_after = 5

    def __init__(self) -> None:
        super().__init__("token budgets cannot be checked right now; retry shortly")


# KEYS: the counters; ARGV: the tokens, then each budget's limit, then each counter's lifetime (s).
# Returns 0 when reserved, else the 1-based index of the first spent budget and its count.
RESERVE = """
local tokens = tonumber(ARGV[1])
local n = #KEYS
for i = 1, n do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used >= tonumber(ARGV[1 + i]) then return {i, used} end
end
for i = 1, n do
  redis.call('INCRBY', KEYS[i], tokens)
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[1 + n + i]))
end
return {0, 0}
"""


@dataclass(frozen=True)
class Refusal:
    budget: Budget
    used: int


def _is_redis() -> bool:
    return isinstance(caches["default"], RedisCache)


def reserve(*, budgets: list[Budget], tokens: int) -> Refusal | None:
    """Add `tokens` to every budget's counter, unless one is spent: then change nothing, return why."""
    if not budgets:
        return None
    if not _is_redis():
        return _reserve_db(budgets, tokens)
    try:
        return _reserve_redis(budgets, tokens)
    except Exception as exc:  # noqa: BLE001 - redis-py's errors: the counters are unreachable
        logger.exception("token budget counters unavailable")
        raise QuotaUnavailableError() from exc


def adjust(*, budgets: list[Budget], delta: int) -> None:
    """Add `delta` (negative: give back the unused part of a reservation) to every budget's counter."""
    if not budgets or not delta:
        return
    if _is_redis():
        try:
            pipe = _client().pipeline()
            for budget in budgets:
                pipe.incrby(_key(budget), delta)
            pipe.execute()
        except Exception:  # noqa: BLE001 - an answered request is not failed for its bookkeeping
            logger.exception("could not settle %d tokens in the budget counters", delta)
        return
    for budget in budgets:
        TokenCounter.objects.filter(subject=budget.subject, period=budget.period, starts=budget.starts).update(
            used=F("used") + delta
        )


def used(*, budget: Budget) -> int:
    if _is_redis():
        return int(_client().get(_key(budget)) or 0)
    row = TokenCounter.objects.filter(subject=budget.subject, period=budget.period, starts=budget.starts).first()
    return row.used if row else 0


def _client():
    # Django's RedisCache keeps its redis-py client behind `_cache`; the script needs the client itself.
    return caches["default"]._cache.get_client(write=True)


def _key(budget: Budget) -> str:
    return caches["default"].make_key(f"quota:{budget.counter}")


def _reserve_redis(budgets: list[Budget], tokens: int) -> Refusal | None:
    now = datetime.now(UTC)
    lifetimes = [int((budget.resets_at - now + timedelta(days=1)).total_seconds()) for budget in budgets]
    keys = [_key(budget) for budget in budgets]
    index, count = _client().eval(RESERVE, len(keys), *keys, tokens, *[b.limit for b in budgets], *lifetimes)
    return Refusal(budgets[int(index) - 1], int(count)) if int(index) else None


def _reserve_db(budgets: list[Budget], tokens: int) -> Refusal | None:
    ordered = sorted(budgets, key=lambda budget: budget.counter)  # one lock order: no deadlocks
    with transaction.atomic():
        rows = []
        for budget in ordered:
            TokenCounter.objects.get_or_create(subject=budget.subject, period=budget.period, starts=budget.starts)
            rows.append(
                TokenCounter.objects.select_for_update().get(
                    subject=budget.subject, period=budget.period, starts=budget.starts
                )
            )
        for budget, row in zip(ordered, rows, strict=True):
            if row.used >= budget.limit:
                return Refusal(budget, row.used)
        TokenCounter.objects.filter(pk__in=[row.pk for row in rows]).update(used=F("used") + tokens)
    return None
