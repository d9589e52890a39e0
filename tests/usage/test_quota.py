"""Token budgets: reserve before generating, settle after; 429 with resets_at once spent, per user and key."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from prompt_forge.prompts.models import Prompt
from prompt_forge.usage import ledger
from prompt_forge.usage.budgets import budgets_for
from prompt_forge.usage.models import UserQuota
from tests.prompts.test_consumers import collect_stream, open_socket, send_after_stream

pytestmark = pytest.mark.django_db(transaction=True)

ASK = {"prompt": "one two three", "max_new_tokens": 8}  # the fake counts 3 + 4 prompt tokens, 8 answer room
RESERVED = 7 + 8


def spent(user, key_id=None) -> dict:
    budgets = budgets_for(user_id=user.pk, key_id=key_id, now=datetime.now(UTC))
    return {(b.subject.split(":")[0], b.period): ledger.used(budget=b) for b in budgets}


def stored_tokens(user) -> int:
    infos = Prompt.objects.filter(user=user).values_list("metadata__extra_info", flat=True)
    return sum((info or {}).get("prompt_tokens", 0) + (info or {}).get("completion_tokens", 0) for info in infos)


def test_a_daily_budget_answers_until_spent_then_429_with_resets_at(make_user, client_for, settings):
    settings.QUOTA_TOKENS_PER_DAY = 40
    user = make_user()
    client = client_for(user)
    answered = 0
    while (response := client.post("/prompts/", ASK, format="json")).status_code == 201:
        answered += 1
        assert answered < 20
    assert answered >= 2 and response.status_code == 429
    body = response.json()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert body["limit"] == 40 and body["used"] >= 40 and body["resets_at"].startswith(tomorrow)
    assert "daily token budget of 40 tokens is spent" in body["error"]
    assert 0 < int(response["Retry-After"]) <= 86400
    assert Prompt.objects.filter(user=user).count() == answered  # a refused request stores nothing
    # Settled to what was used: the counter equals the tokens the stored prompts record.
    assert spent(user) == {("user", "day"): stored_tokens(user)} and stored_tokens(user) <= 40 + RESERVED
    # Another user is untouched.
    assert client_for(make_user("bob")).post("/prompts/", ASK, format="json").status_code == 201


def test_a_monthly_budget_and_a_per_user_override(make_user, client_for, settings):
    settings.QUOTA_TOKENS_PER_MONTH = 1
    user = make_user()
    client = client_for(user)
    assert client.post("/prompts/", ASK, format="json").status_code == 201
    refused = client.post("/prompts/", ASK, format="json")
    assert refused.status_code == 429 and "monthly" in refused.json()["error"]
    UserQuota.objects.create(user=user, tokens_per_month=0)  # 0: unlimited for this user
    assert client.post("/prompts/", ASK, format="json").status_code == 201


def test_an_api_key_may_have_a_lower_budget_of_its_own(make_user, client_for, settings):
    settings.QUOTA_TOKENS_PER_DAY = 10_000
    user = make_user()
    login = client_for(user)
    body = {"name": "ci", "scopes": ["prompts:write", "v1"], "quota_tokens_per_day": 1}
    key = login.post("/api/keys", body, format="json").json()
    keyed = APIClient()
    keyed.credentials(HTTP_AUTHORIZATION=f"Bearer {key['key']}")
    assert keyed.post("/prompts/", ASK, format="json").status_code == 201
    refused = keyed.post("/prompts/", ASK, format="json")
    assert refused.status_code == 429 and "this API key's daily token budget" in refused.json()["error"]
    chat = {"model": "HuggingFaceTB/SmolLM2-135M-Instruct", "messages": [{"role": "user", "content": "hi"}]}
    v1 = keyed.post("/v1/chat/completions", chat, format="json")
    assert v1.status_code == 429 and v1.json()["error"]["code"] == "insufficient_quota" and v1["Retry-After"]
    assert login.post("/prompts/", ASK, format="json").status_code == 201  # the user's own budget has room
    assert spent(user, key["id"])[("key", "day")] == spent(user)[("user", "day")] - stored_tokens_login(user)


def stored_tokens_login(user) -> int:
    infos = Prompt.objects.filter(user=user).values_list("metadata__extra_info", flat=True)
    return sum(
        info.get("prompt_tokens", 0) + info.get("completion_tokens", 0) for info in infos if "api_key" not in info
    )


def test_cache_hits_cost_nothing(make_user, client_for, settings):
    settings.QUOTA_TOKENS_PER_DAY = 1000
    user = make_user()
    client = client_for(user)
    client.post("/prompts/", {**ASK, "use_cache": True}, format="json")
    before = spent(user)
    hit = client.post("/prompts/", {**ASK, "use_cache": True}, format="json").json()
    assert hit["metadata"]["extra_info"]["cache"]["hit"] is True
    assert spent(user) == before


def test_a_failed_generation_gives_the_reservation_back(make_user, client_for, settings):
    from tests.fakes import FakeGenerator

    settings.QUOTA_TOKENS_PER_DAY = 1000
    user = make_user()
    FakeGenerator.fail_with = "boom"
    assert client_for(user).post("/prompts/", ASK, format="json").status_code == 503
    assert spent(user) == {("user", "day"): 0}


async def test_the_socket_reports_a_spent_budget(make_user, settings):
    settings.QUOTA_TOKENS_PER_DAY = 1
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", **ASK})
    _, done = await collect_stream(socket)
    assert done["type"] == "prompt.done"
    refused = await send_after_stream(socket, {"type": "prompt", **ASK})
    assert refused["type"] == "error" and refused["limit"] == 1 and refused["retry_after"] > 0
    await socket.disconnect()
