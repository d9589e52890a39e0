"""One log line per request and per WebSocket connection; tokens never reach a log handler."""

import logging

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from prometheus_client import REGISTRY

from prompt_forge.accounts.middleware import JWTAuthMiddleware
from prompt_forge.common.log_redaction import RedactTokensFilter, redact
from prompt_forge.common.request_log import WebSocketObserver
from prompt_forge.prompts.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlLWJ5dGVz"


def request_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "prompt_forge.requests"]


def test_each_request_logs_method_path_status_duration_and_user(make_user, client_for, caplog):
    user = make_user()
    client = client_for(user)
    caplog.set_level(logging.INFO, logger="prompt_forge.requests")
    client.get("/prompts/similar/", {"q": "secret words", "token": JWT})
    client.get("/prompts/999/")
    [search, missing] = request_lines(caplog)[-2:]
    assert search.startswith("method=GET path=/prompts/similar/ status=200 duration_ms=")
    assert f"user_id={user.pk}" in search
    assert "secret words" not in search and JWT not in search  # the query string is never logged
    assert missing.startswith("method=GET path=/prompts/999/ status=404") and f"user_id={user.pk}" in missing


def test_anonymous_and_refused_requests_are_logged_without_a_user(client, caplog):
    caplog.set_level(logging.INFO, logger="prompt_forge.requests")
    client.get("/prompts/", HTTP_AUTHORIZATION=f"Bearer {JWT}")
    [line] = request_lines(caplog)
    assert line.startswith("method=GET path=/prompts/ status=401") and line.endswith("user_id=- client=127.0.0.1")
    assert JWT not in caplog.text


def test_redaction_of_uvicorn_websocket_line_keeps_argument_shape():
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", f"/ws/prompts/?token={JWT}&x=1"), None,
    )  # fmt: skip
    assert RedactTokensFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "WebSocket /ws/prompts/?token=[redacted]&x=1" [accepted]'
    assert redact(f"refresh={JWT}") == "refresh=[redacted]"
    assert redact(f"Authorization: Bearer {JWT}") == "Authorization: Bearer [redacted]"
    assert redact("path=/prompts/ status=200") == "path=/prompts/ status=200"


def test_django_logging_config_redacts_every_handler():
    from django.conf import settings

    handlers = settings.LOGGING["handlers"]
    assert all("redact_tokens" in handler.get("filters", []) for handler in handlers.values())
    for name in ("uvicorn.error", "uvicorn.access"):
        assert settings.LOGGING["loggers"][name]["handlers"] == ["console"]


async def test_websocket_connection_is_counted_and_logged(make_user, caplog):
    from asgiref.sync import sync_to_async
    from rest_framework_simplejwt.tokens import AccessToken

    user = await sync_to_async(make_user)()
    token = str(AccessToken.for_user(user))
    app = JWTAuthMiddleware(WebSocketObserver(URLRouter(websocket_urlpatterns)))
    caplog.set_level(logging.INFO, logger="prompt_forge.requests")
    before = REGISTRY.get_sample_value("prompt_forge_websocket_connections")

    socket = WebsocketCommunicator(app, f"/ws/prompts/?token={token}")
    connected, _ = await socket.connect()
    assert connected
    assert REGISTRY.get_sample_value("prompt_forge_websocket_connections") == before + 1
    await socket.disconnect()
    assert REGISTRY.get_sample_value("prompt_forge_websocket_connections") == before

    refused = WebsocketCommunicator(app, "/ws/prompts/?token=not-a-jwt")
    assert (await refused.connect())[0] is False
    await refused.disconnect()  # the server's side of the refused handshake ending
    accepted_line, refused_line = request_lines(caplog)
    assert accepted_line.startswith("method=WS path=/ws/prompts/ status=101 duration_ms=")
    assert f"user_id={user.pk}" in accepted_line
    assert refused_line.startswith("method=WS path=/ws/prompts/ status=403") and "user_id=-" in refused_line
    assert token not in caplog.text


def test_v1_requests_are_logged_with_their_user(make_user, client_for, caplog):
    user = make_user()
    client = client_for(user)
    caplog.set_level(logging.INFO, logger="prompt_forge.requests")
    assert client.get("/v1/models").status_code == 200
    [line] = request_lines(caplog)[-1:]
    assert line.startswith("method=GET path=/v1/models status=200") and f"user_id={user.pk}" in line


async def test_socket_authenticated_by_its_first_message_is_logged_with_its_user(make_user, caplog):
    from asgiref.sync import sync_to_async
    from rest_framework_simplejwt.tokens import AccessToken

    user = await sync_to_async(make_user)()
    app = JWTAuthMiddleware(WebSocketObserver(URLRouter(websocket_urlpatterns)))
    caplog.set_level(logging.INFO, logger="prompt_forge.requests")
    socket = WebsocketCommunicator(app, "/ws/prompts/")
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "auth", "token": str(AccessToken.for_user(user))})
    assert (await socket.receive_json_from())["message"] == "WebSocket connection established"
    await socket.disconnect()
    [line] = [line for line in request_lines(caplog) if line.startswith("method=WS")]
    assert f"user_id={user.pk}" in line


def test_readyz_during_warm_up_is_logged_at_info_not_error(client, caplog, settings):
    settings.AI_PRELOAD = False
    caplog.set_level(logging.INFO)
    response = client.get("/readyz")
    assert response.status_code == 503  # the fake models are loaded on first use only
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(record.levelno == logging.INFO and "not ready" in record.getMessage() for record in caplog.records)
