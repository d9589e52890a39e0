"""GET /api/usage equals the sums over the stored prompts' metadata, per day, model and key."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)


def test_usage_equals_the_stored_prompts_sums(make_user, client_for):
    user = make_user()
    login = client_for(user)
    key = login.post("/api/keys", {"name": "ci", "scopes": ["prompts:write", "v1"]}, format="json").json()
    keyed = APIClient()
    keyed.credentials(HTTP_AUTHORIZATION=f"Bearer {key['key']}")
    login.post("/prompts/", {"prompt": "alpha beta", "use_cache": True}, format="json")
    login.post("/prompts/", {"prompt": "alpha beta", "use_cache": True}, format="json")  # a cache hit
    keyed.post("/prompts/", {"prompt": "gamma delta epsilon"}, format="json")
    FakeGenerator.fail_with = "boom"
    login.post("/prompts/", {"prompt": "fails"}, format="json")  # a failure is not a request served
    FakeGenerator.fail_with = None
    client_for(make_user("bob")).post("/prompts/", {"prompt": "bob's"}, format="json")
    # An old prompt, outside a 1-day window.
    old = keyed.post("/prompts/", {"prompt": "last week"}, format="json").json()
    Prompt.objects.filter(pk=old["id"]).update(created_at=datetime.now(UTC) - timedelta(days=7))

    report = login.get("/api/usage", {"days": 1}).json()
    infos = [
        p.metadata.extra_info
        for p in Prompt.objects.filter(user=user, status="completed").exclude(pk=old["id"]).select_related("metadata")
    ]
    served = [i for i in infos if "prompt_tokens" in i or i["cache"]["hit"]]
    tokens = [i for i in served if not (i.get("cache") or {}).get("hit")]
    assert report["totals"] == {
        "requests": 3,
        "prompt_tokens": sum(i["prompt_tokens"] for i in tokens),
        "completion_tokens": sum(i["completion_tokens"] for i in tokens),
        "cache_hits": 1,
    }
    (today,) = report["days"]
    assert today["date"] == datetime.now(UTC).date().isoformat() and today["requests"] == 3
    by_key = {item["key"]: item for item in today["by_key"]}
    assert by_key[None]["requests"] == 2 and by_key[None]["cache_hits"] == 1
    assert by_key[key["id"]]["name"] == "ci" and by_key[key["id"]]["requests"] == 1
    assert sum(item["requests"] for item in today["by_model"]) == 3
    week = login.get("/api/usage").json()
    assert week["totals"]["requests"] == 4 and len(week["days"]) == 2
    assert client_for(make_user("carol")).get("/api/usage").json()["totals"]["requests"] == 0


@pytest.mark.parametrize("days", ["0", "-1", "abc", "367", "1.5"])
def test_bad_days_are_400(make_user, client_for, days):
    response = client_for(make_user()).get("/api/usage", {"days": days})
    assert response.status_code == 400 and "days" in response.json()["error"]
