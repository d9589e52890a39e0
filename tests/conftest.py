import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.fakes import FakeGenerator

# Server processes started by tests inherit the test process's key (generated in DATA_DIR when unset),
# so tokens signed here verify there.
os.environ.setdefault("SECRET_KEY", django_settings.SECRET_KEY)

PASSWORD = "correct-horse-battery-9"
FAST_RATES = {"burst": "1000/second", "sustained": "10000/minute", "auth": "10000/minute"}


@pytest.fixture(autouse=True)
def isolated_service(settings, tmp_path):
    """In-process tests: fake models, a private DATA_DIR, generous throttles, empty caches.

    Models and the search index are built again after any change to their settings (setting_changed)."""
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.GENERATION_BACKEND = "tests.fakes.FakeGenerator"
    settings.EMBEDDING_BACKEND = "tests.fakes.FakeEmbedder"
    # No background title writing by the fake model (tests of titles switch it on).
    settings.CONVERSATION_MODEL_TITLES = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": FAST_RATES}
    FakeGenerator.fail_with = None
    FakeGenerator.piece_delay_s = 0.0
    FakeGenerator.last_params = None
    FakeGenerator.last_prompt = None
    cache.clear()


@pytest.fixture
def make_user(django_user_model):
    def make(username: str = "alice"):
        return django_user_model.objects.create_user(username=username, password=PASSWORD)

    return make


@pytest.fixture
def client_for():
    """An API client authenticated with a real JWT for the given user."""

    def build(user) -> APIClient:
        client = APIClient()
        response = client.post("/api/token", {"username": user.username, "password": PASSWORD}, format="json")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
        return client

    return build
