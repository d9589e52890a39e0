import pytest

pytestmark = pytest.mark.django_db

STRONG = "correct-horse-battery-9"


@pytest.mark.parametrize("path", ["/api/signup", "/api/signup/"])
def test_signup_creates_user_with_seed_message(client, django_user_model, path):
    response = client.post(path, {"username": "bob", "password": STRONG}, content_type="application/json")
    assert response.status_code == 201
    assert response.json() == {"message": "User created successfully"}
    assert django_user_model.objects.filter(username="bob").exists()


def test_signup_reports_every_field_error(client):
    response = client.post("/api/signup", {"email": "not-an-email", "password": ""}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "email": ["Enter a valid email address."],
        "password": ["This field may not be blank."],
    }


def test_signup_rejects_duplicate_username_and_weak_password(client, make_user):
    make_user("carol")
    duplicate = client.post("/api/signup", {"username": "carol", "password": STRONG}, content_type="application/json")
    assert duplicate.status_code == 400
    assert "username" in duplicate.json()
    weak = client.post("/api/signup", {"username": "dave", "password": "12345678"}, content_type="application/json")
    assert weak.status_code == 400
    assert any("common" in message for message in weak.json()["password"])


def test_signup_accepts_optional_email(client):
    response = client.post(
        "/api/signup",
        {"username": "erin", "email": "erin@example.com", "password": STRONG},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("suffix", ["", "/"])
def test_token_pair_and_refresh(client, make_user, suffix):
    make_user("frank")
    pair = client.post(
        f"/api/token{suffix}", {"username": "frank", "password": STRONG}, content_type="application/json"
    )
    assert pair.status_code == 200
    assert set(pair.json()) == {"access", "refresh"}
    refreshed = client.post(
        f"/api/token/refresh{suffix}", {"refresh": pair.json()["refresh"]}, content_type="application/json"
    )
    assert refreshed.status_code == 200
    assert "access" in refreshed.json()


def test_token_with_wrong_password_is_401_with_seed_message(client, make_user):
    make_user("gina")
    response = client.post("/api/token", {"username": "gina", "password": "wrong"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_refresh_with_bad_token_is_401_with_seed_message(client):
    response = client.post("/api/token/refresh", {"refresh": "garbage"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired"}


def test_auth_endpoints_are_rate_limited_per_ip(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "3/minute"},
    }
    codes = [
        client.post("/api/token", {"username": "x", "password": "y"}, content_type="application/json").status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_admin_login_is_rate_limited_like_the_token_endpoint(client, settings, make_user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "3/minute"},
    }
    assert client.get("/admin/login/").status_code == 200  # the form itself is not counted
    codes = [client.post("/admin/login/", {"username": "admin", "password": f"guess{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]  # the form again, with its error, three times; then refused
    refused = client.post("/admin/login/", {"username": "admin", "password": "guess"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["detail"].startswith("Request was throttled.")
    # The same budget as /api/token: an address that spent it there cannot continue here.
    other = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        client.post("/api/token", {"username": "x", "password": "y"}, content_type="application/json", **other)
    assert client.post("/admin/login/", {"username": "a", "password": "b"}, **other).status_code == 429
