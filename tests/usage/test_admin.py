"""An operator sets a user's own budgets in the Django admin; they replace the defaults at once."""

import pytest

from prompt_forge.usage.models import UserQuota

pytestmark = pytest.mark.django_db


def test_an_operator_sets_a_users_budget_in_the_admin(client, make_user, client_for, django_user_model, settings):
    settings.QUOTA_TOKENS_PER_DAY = 0
    user = make_user()
    admin = django_user_model.objects.create_superuser(username="root", password="correct-horse-battery-9")
    client.force_login(admin)
    assert client.get("/admin/usage/userquota/").status_code == 200
    form = {"user": user.pk, "tokens_per_day": 1, "tokens_per_month": ""}
    assert client.post("/admin/usage/userquota/add/", form).status_code == 302
    assert UserQuota.objects.get(user=user).tokens_per_day == 1
    api = client_for(user)
    assert api.post("/prompts/", {"prompt": "first"}, format="json").status_code == 201
    assert api.post("/prompts/", {"prompt": "second"}, format="json").status_code == 429
