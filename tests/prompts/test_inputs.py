"""Every input is bounded and bad input gets a clear 4xx JSON error, never a 5xx."""

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.core.asgi import get_asgi_application
from rest_framework.test import APIClient

from prompt_forge.accounts.middleware import JWTAuthMiddleware
from prompt_forge.common.limits import BodySizeLimit
from prompt_forge.prompts.models import Prompt
from prompt_forge.prompts.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 2048


@pytest.fixture
def small_bodies(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def test_oversized_body_is_413_json_and_nothing_is_saved(make_user, client_for, small_bodies):
    client = client_for(make_user())
    response = client.post("/prompts/", {"prompt": "x" * (LIMIT + 10)}, format="json")
    assert response.status_code == 413
    assert response.json() == {"error": f"request body must be at most {LIMIT} bytes"}
    assert Prompt.objects.count() == 0
    # Unauthenticated endpoints are bounded too.
    signup = client.post("/api/signup", {"username": "u", "password": "p" * LIMIT}, format="json")
    assert signup.status_code == 413


def test_body_at_the_limit_is_accepted(make_user, client_for, small_bodies):
    client = client_for(make_user())
    body = json.dumps({"prompt": "y" * 100})
    body += " " * (LIMIT - len(body))  # exactly LIMIT bytes
    response = client.post("/prompts/", body, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"prompt": "nul \\u0000 inside"}', "JSON strings must not contain NUL (\\u0000) characters"),
        ('{"prompt": "lone \\ud800 surrogate"}', "JSON strings must be valid Unicode text (lone surrogate found)"),
        ('{"prompt": "ok", "\\u0000": 1}', "JSON strings must not contain NUL (\\u0000) characters"),
        ("[" * 5000 + "]" * 5000, "JSON parse error - document nested too deeply"),
    ],
)
def test_text_no_database_can_store_is_a_400(make_user, client_for, raw, message):
    response = client_for(make_user()).post("/prompts/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert Prompt.objects.count() == 0


def test_signup_and_token_refuse_unstorable_text_with_400():
    for path in ("/api/signup", "/api/token"):
        response = APIClient().post(
            path, '{"username": "u\\ud800", "password": "p\\udfff"}', content_type="application/json"
        )
        assert response.status_code == 400, path


def test_nul_in_search_query_is_a_400(make_user, client_for):
    response = client_for(make_user()).get("/prompts/similar/?q=a%00b")
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("pk", ["9223372036854775808", "99999999999999999999999999"])
def test_ids_beyond_the_database_range_are_404(make_user, client_for, pk):
    client = client_for(make_user())
    assert client.get(f"/prompts/{pk}/").json() == {"detail": "Not found."}
    assert client.get(f"/prompts/{pk}/").status_code == 404
    assert client.delete(f"/prompts/{pk}").status_code == 404


def test_huge_pagination_values_are_harmless(make_user, client_for):
    client = client_for(make_user())
    client.post("/prompts/", {"prompt": "one"}, format="json")
    page = client.get("/prompts/?limit=99999999999999999999&offset=99999999999999999999999")
    assert page.status_code == 200
    assert page.json()["results"] == []
    assert len(client.get("/prompts/?limit=100000").json()["results"]) == 1


# -- ASGI layer: bodies streamed without a Content-Length ----------------------------------------------


async def call_asgi(app, *, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/signup",
        "raw_path": b"/api/signup",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict] = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # the client stays connected until the response is sent

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body


async def test_streamed_body_over_the_limit_is_cut_off_with_413(small_bodies):
    app = BodySizeLimit(get_asgi_application())
    chunks = [b'{"username": "streamer", "password": "' + b"z" * 1000] * 4  # 4000 bytes, no length
    status, body = await call_asgi(app, chunks=chunks, headers=[(b"transfer-encoding", b"chunked")])
    assert status == 413
    assert json.loads(body) == {"error": f"request body must be at most {LIMIT} bytes"}


async def test_declared_length_over_the_limit_is_refused_before_reading(small_bodies):
    app = BodySizeLimit(get_asgi_application())
    status, body = await call_asgi(app, chunks=[b"{}"], headers=[(b"content-length", b"999999")])
    assert status == 413


async def test_body_within_the_limit_passes_through_asgi(small_bodies):
    app = BodySizeLimit(get_asgi_application())
    payload = json.dumps({"username": "asgi_user", "password": "correct-horse-battery-9"}).encode()
    status, body = await call_asgi(app, chunks=[payload], headers=[(b"content-length", str(len(payload)).encode())])
    assert status == 201, body


# -- WebSocket frames ----------------------------------------------------------------------------------


async def test_oversized_websocket_frame_gets_a_clear_error_and_close(make_user, settings):
    from channels.db import database_sync_to_async
    from channels.routing import URLRouter
    from rest_framework_simplejwt.tokens import AccessToken

    limit = settings.WS_MAX_MESSAGE_BYTES
    user = await database_sync_to_async(make_user)("frames")
    app = JWTAuthMiddleware(URLRouter(websocket_urlpatterns))
    communicator = WebsocketCommunicator(app, f"/ws/prompts/?token={AccessToken.for_user(user)}")
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["message"] == "WebSocket connection established"
    await communicator.send_to(text_data="x" * (limit + 1))
    error = await communicator.receive_json_from()
    assert error["error"] == f"message larger than {limit} bytes"
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 1009}
    await communicator.disconnect()
