"""JWT hardening: short configurable access tokens, refresh rotation with a blacklist, logout."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def tokens_for(api, username: str) -> dict:
    response = api.post("/api/token", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def test_refresh_rotates_and_the_old_refresh_token_is_refused(api, make_user):
    make_user("alice")
    first = tokens_for(api, "alice")
    rotated = api.post("/api/token/refresh", {"refresh": first["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first["refresh"]
    # The refresh token that was just used is revoked: replaying it (a stolen copy) fails.
    replay = api.post("/api/token/refresh", {"refresh": first["refresh"]}, format="json")
    assert replay.status_code == 401
    assert replay.json() == {"detail": "Token is invalid or expired"}
    # The rotated one works.
    again = api.post("/api/token/refresh/", {"refresh": rotated.json()["refresh"]}, format="json")
    assert again.status_code == 200


@pytest.mark.parametrize("path", ["/api/logout", "/api/logout/"])
def test_logout_revokes_the_refresh_token(api, make_user, path):
    make_user("bob")
    tokens = tokens_for(api, "bob")
    response = api.post(path, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"message": "Logged out successfully"}
    refused = api.post("/api/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Token is invalid or expired"}
    # Logging out twice with the same token is refused the same way.
    assert api.post(path, {"refresh": tokens["refresh"]}, format="json").status_code == 401
    # A fresh login still works.
    assert tokens_for(api, "bob")["refresh"]


def test_logout_only_revokes_the_token_it_is_given(api, make_user):
    make_user("carol")
    laptop, phone = tokens_for(api, "carol"), tokens_for(api, "carol")
    assert api.post("/api/logout", {"refresh": laptop["refresh"]}, format="json").status_code == 200
    assert api.post("/api/token/refresh", {"refresh": phone["refresh"]}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({}, 400, {"refresh": ["This field is required."]}),
        ({"refresh": "garbage"}, 401, {"detail": "Token is invalid or expired"}),
    ],
)
def test_logout_rejects_bad_input_with_json(api, body, status, expected):
    response = api.post("/api/logout", body, format="json")
    assert response.status_code == status
    assert response.json() == expected


def test_an_access_token_cannot_be_used_as_a_refresh_token(api, make_user):
    make_user("dave")
    tokens = tokens_for(api, "dave")
    assert api.post("/api/logout", {"refresh": tokens["access"]}, format="json").status_code == 401
    assert api.post("/api/token/refresh", {"refresh": tokens["access"]}, format="json").status_code == 401


def test_issued_access_tokens_live_as_configured(api, make_user, settings):
    make_user("erin")
    access = AccessToken(tokens_for(api, "erin")["access"])
    assert access["exp"] - access["iat"] == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() == 900


def test_expired_access_token_is_refused(api, make_user):
    user = make_user("frank")
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get("/prompts/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_jwt_access_minutes_environment_variable_sets_the_lifetime():
    """The documented variable reaches the settings; the default is short (15 minutes)."""
    script = "from config.settings import SIMPLE_JWT; print(SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds())"
    env = dict(os.environ)
    env.pop("JWT_ACCESS_MINUTES", None)
    run = [sys.executable, "-c", script]
    assert subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.strip() == "900.0"
    env["JWT_ACCESS_MINUTES"] = "5"
    assert subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.strip() == "300.0"


def test_a_deleted_users_refresh_token_is_401(api, make_user):
    user = make_user("gone")
    tokens = tokens_for(api, "gone")
    user.delete()
    response = api.post("/api/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired"}


def test_an_inactive_users_refresh_token_is_401(api, make_user):
    user = make_user("paused")
    tokens = tokens_for(api, "paused")
    user.is_active = False
    user.save()
    assert api.post("/api/token/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_two_refreshes_that_both_pass_the_blacklist_check_issue_tokens_once(api, make_user, monkeypatch):
    """The race, made deterministic: both requests read "not blacklisted" before either writes."""
    from rest_framework_simplejwt.tokens import RefreshToken

    make_user("racer")
    refresh = tokens_for(api, "racer")["refresh"]
    monkeypatch.setattr(RefreshToken, "check_blacklist", lambda self: None)
    first = api.post("/api/token/refresh", {"refresh": refresh}, format="json")
    second = api.post("/api/token/refresh", {"refresh": refresh}, format="json")
    assert first.status_code == 200
    assert second.status_code == 401
    assert second.json() == {"detail": "Token is invalid or expired"}
