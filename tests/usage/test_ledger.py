"""The counters behave the same in Redis (one Lua script) and in the database: all budgets or none."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import caches

from prompt_forge.usage import ledger
from prompt_forge.usage.budgets import Budget
from tests.usage.test_quota_processes import REDIS_URL, redis_reachable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    if request.param == "redis":
        if not redis_reachable(REDIS_URL):
            pytest.skip(f"needs Redis at {REDIS_URL}")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"pf-test-{uuid.uuid4().hex[:8]}",
            }
        }
        caches["default"].clear()
    return request.param


def budget(subject: str, limit: int) -> Budget:
    return Budget(subject, "day", limit, date.today(), datetime.now(UTC) + timedelta(hours=1))


def test_a_reservation_lands_in_every_budget_or_in_none(store):
    user, key = budget("user:1", 100), budget("key:7", 30)
    assert ledger.reserve(budgets=[user, key], tokens=25) is None
    assert (ledger.used(budget=user), ledger.used(budget=key)) == (25, 25)
    assert ledger.reserve(budgets=[user, key], tokens=25) is None  # the key had 5 left: admitted, may pass it once
    refusal = ledger.reserve(budgets=[user, key], tokens=25)
    assert refusal is not None and refusal.budget == key and refusal.used == 50
    assert (ledger.used(budget=user), ledger.used(budget=key)) == (50, 50)  # nothing taken from the user's budget
    ledger.adjust(budgets=[user, key], delta=-20)  # settled below the reservation: the rest is given back
    assert (ledger.used(budget=user), ledger.used(budget=key)) == (30, 30)
    assert ledger.reserve(budgets=[user], tokens=80) is None and ledger.used(budget=user) == 110


def test_unreachable_redis_refuses_budgeted_requests_with_503(make_user, client_for, settings):
    from tests.ai.test_openai_generator import closed_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    client = client_for(make_user())
    settings.QUOTA_TOKENS_PER_DAY = 0
    assert client.post("/prompts/", {"prompt": "unbudgeted"}, format="json").status_code == 201
    settings.QUOTA_TOKENS_PER_DAY = 100
    refused = client.post("/prompts/", {"prompt": "budgeted"}, format="json")
    assert refused.status_code == 503 and refused["Retry-After"] == "5"
    assert refused.json() == {"error": "token budgets cannot be checked right now; retry shortly"}
