"""Throttles: atomic per-window counting, X-Forwarded-For spoofing, a cache outage."""

import logging
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.e2e.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def with_rates(settings, **rates) -> None:
    current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**current, **rates}}


def token_attempt(client: APIClient, **headers) -> int:
    return client.post("/api/token", {"username": "x", "password": "y"}, format="json", **headers).status_code


def test_concurrent_requests_never_exceed_the_rate(make_user, settings):
    """Eight threads at once: the stock read-modify-write history would let extra requests through."""
    with_rates(settings, burst="1000/second", sustained="5/day")
    token = AccessToken.for_user(make_user())
    codes: list[int] = []
    barrier = threading.Barrier(8, timeout=60)

    def fire() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        barrier.wait()
        try:
            for _ in range(3):
                codes.append(client.get("/prompts/similar/?q=anything").status_code)
        finally:
            connection.close()  # this thread's own database connection

    threads = [threading.Thread(target=fire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes.count(200) == 5
    assert codes.count(429) == 19


def test_spoofed_forwarded_for_does_not_reset_the_ip_limit(settings):
    """No trusted proxy (the default): X-Forwarded-For is ignored, the TCP peer address counts."""
    with_rates(settings, auth="3/day")
    client = APIClient()
    codes = [token_attempt(client, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}") for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_with_one_trusted_proxy_the_address_it_saw_counts(settings):
    """Behind one proxy, the proxy appends the real peer; what the client wrote before it is ignored."""
    with_rates(settings, auth="3/day")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient()  # REMOTE_ADDR is the proxy, 127.0.0.1
    spoofed = [token_attempt(client, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7") for i in range(5)]
    assert spoofed == [401, 401, 401, 429, 429]
    # Another real client behind the same proxy has its own budget.
    assert token_attempt(client, HTTP_X_FORWARDED_FOR="198.51.100.9") == 401


def test_retry_after_counts_down_to_the_end_of_the_window(make_user, client_for, settings):
    with_rates(settings, burst="1000/second", sustained="1/hour")
    client = client_for(make_user())
    assert client.get("/prompts/similar/?q=a").status_code == 200
    throttled = client.get("/prompts/similar/?q=a")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 3600


def test_redis_down_keeps_http_serving_and_logs_it(make_user, client_for, settings, caplog):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [dead_redis]}}
    }
    client = client_for(make_user())
    with caplog.at_level(logging.ERROR):
        created = client.post("/prompts/", {"prompt": "still served", "send_via_websocket": True}, format="json")
        found = client.get("/prompts/similar/?q=served")
    assert created.status_code == 201
    assert created.json()["response"] == "Answer to: still served"
    assert [r["id"] for r in found.json()] == [created.json()["id"]]
    messages = [record.getMessage() for record in caplog.records]
    assert any("throttle cache unavailable" in message for message in messages)
    assert any("WebSocket push to user" in message for message in messages)


def test_a_window_opens_with_the_first_request_not_on_the_clock_minute(make_user, client_for, settings, monkeypatch):
    """Two requests a fraction of a second apart, either side of a minute mark: still one window."""
    with_rates(settings, burst="1000/second", sustained="1/minute")
    client = client_for(make_user())
    clock = [1_800_000_059.9]  # 0.1 s before a whole minute
    monkeypatch.setattr("rest_framework.throttling.SimpleRateThrottle.timer", lambda self: clock[0])
    assert client.get("/prompts/similar/?q=a").status_code == 200
    clock[0] += 0.2
    refused = client.get("/prompts/similar/?q=a")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 60  # 59.8 s left, rounded up
