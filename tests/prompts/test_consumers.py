"""Token streaming over WebSocket and the socket's limits, in-process with the fake models."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from prompt_forge.accounts.middleware import JWTAuthMiddleware
from prompt_forge.ai.admission import generation_slots
from prompt_forge.common.origin import OptionalOriginValidator
from prompt_forge.prompts.models import Prompt
from prompt_forge.prompts.routing import websocket_urlpatterns
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)

CONNECTED = {"message": "WebSocket connection established"}


def app():
    return OptionalOriginValidator(JWTAuthMiddleware(URLRouter(websocket_urlpatterns)))


def token_for(user, lifetime: timedelta | None = None) -> str:
    token = AccessToken.for_user(user)
    if lifetime is not None:
        token.set_exp(lifetime=lifetime)
    return str(token)


async def open_socket(user=None, query: str | None = None) -> WebsocketCommunicator:
    path = "/ws/prompts/" if query is None else f"/ws/prompts/?{query}"
    if user is not None:
        path = f"/ws/prompts/?token={token_for(user)}"
    socket = WebsocketCommunicator(app(), path)
    connected, _ = await socket.connect()
    assert connected
    if user is not None:
        assert await socket.receive_json_from() == CONNECTED
    return socket


async def send_after_stream(socket, message: dict) -> dict:
    """Send `message` once the socket's previous stream has ended ("prompt.done" goes out just before
    its task ends); its first answer."""
    for _ in range(50):
        await socket.send_json_to(message)
        reply = await socket.receive_json_from()
        if reply.get("error") != "a prompt is already streaming on this socket":
            return reply
        await asyncio.sleep(0.02)
    raise AssertionError("the socket's stream never ended")


async def collect_stream(socket, timeout: float = 10) -> tuple[list[dict], dict]:
    """Messages up to the final one ("prompt.done", "prompt.failed" or "error")."""
    messages = []
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        messages.append(message)
        if message.get("type") in {"prompt.done", "prompt.failed", "error"}:
            return messages[:-1], message


async def test_prompt_streams_token_by_token_and_is_stored_as_streamed(make_user):
    user = await sync_to_async(make_user)()
    socket = await open_socket(user)
    await socket.send_json_to({"type": "prompt", "prompt": "Name three colours"})
    events, done = await collect_stream(socket)
    started, deltas = events[0], events[1:]
    assert {key: started[key] for key in ("type", "id", "prompt")} == {
        "type": "prompt.started",
        "id": done["id"],
        "prompt": "Name three colours",
    }
    # The turn's place: a new conversation of its own.
    assert isinstance(started["conversation"], int) and started["parent"] is None
    assert len(deltas) == 5 and all(d["type"] == "prompt.delta" and d["id"] == done["id"] for d in deltas)
    streamed = "".join(d["delta"] for d in deltas)
    assert streamed == "Answer to: Name three colours"
    assert done["type"] == "prompt.done"
    assert done["message"] == "Prompt response ready"
    assert (done["prompt"], done["response"], done["embedding_length"]) == ("Name three colours", streamed, 384)
    stored = await Prompt.objects.select_related("metadata").aget(pk=done["id"])
    assert stored.user_id == user.pk and stored.response == streamed and stored.status == "completed"
    assert stored.metadata.extra_info["source"] == "websocket"
    await socket.disconnect()


async def test_token_in_first_message_instead_of_url(make_user):
    user = await sync_to_async(make_user)()
    socket = await open_socket()
    await socket.send_json_to({"type": "auth", "token": token_for(user)})
    assert await socket.receive_json_from() == CONNECTED
    await socket.send_json_to({"type": "prompt", "prompt": "hello there"})
    _, done = await collect_stream(socket)
    assert done["response"] == "Answer to: hello there"
    await socket.disconnect()


@pytest.mark.parametrize("first", [{"type": "prompt", "prompt": "hi"}, {"type": "auth", "token": "not-a-jwt"}])
async def test_unauthenticated_socket_is_closed(first):
    socket = await open_socket()
    await socket.send_json_to(first)
    assert (await socket.receive_json_from())["type"] == "error"
    assert (await socket.receive_output())["code"] == 4401
    assert await Prompt.objects.acount() == 0


async def test_socket_without_auth_is_closed_after_timeout(settings):
    settings.WS_AUTH_TIMEOUT_SECONDS = 0.2
    socket = await open_socket()
    assert await socket.receive_json_from(timeout=3) == {"type": "error", "error": "authentication timed out"}
    assert (await socket.receive_output(timeout=3))["code"] == 4401


async def test_expired_token_closes_the_socket_and_a_fresh_one_extends_it(make_user):
    user = await sync_to_async(make_user)()
    socket = WebsocketCommunicator(app(), f"/ws/prompts/?token={token_for(user, timedelta(seconds=1))}")
    assert (await socket.connect())[0]
    assert await socket.receive_json_from() == CONNECTED
    assert await socket.receive_json_from(timeout=5) == {"type": "error", "error": "token expired"}
    assert (await socket.receive_output(timeout=3))["code"] == 4401

    renewed = await open_socket()
    await renewed.send_json_to({"type": "auth", "token": token_for(user, timedelta(seconds=3))})
    assert await renewed.receive_json_from(timeout=5) == CONNECTED
    await renewed.send_json_to({"type": "auth", "token": token_for(user)})
    assert (await renewed.receive_json_from(timeout=5))["type"] == "auth.renewed"
    assert await renewed.receive_nothing(timeout=3.5)  # still open after the first token lapsed
    await renewed.disconnect()


async def test_another_users_token_cannot_take_over_a_socket(make_user):
    alice, bob = await sync_to_async(make_user)("alice"), await sync_to_async(make_user)("bob")
    socket = await open_socket(alice)
    await socket.send_json_to({"type": "auth", "token": token_for(bob)})
    assert (await socket.receive_json_from())["error"] == "invalid or expired token"
    assert (await socket.receive_output())["code"] == 4401


async def test_oversized_frame_closes_the_socket(make_user, settings):
    settings.WS_MAX_MESSAGE_BYTES = 1000
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", "prompt": "x" * 2000})
    assert (await socket.receive_json_from())["error"] == "message larger than 1000 bytes"
    assert (await socket.receive_output())["code"] == 1009


async def test_message_rate_is_bounded(make_user, settings):
    settings.WS_RATE_MESSAGES = 3
    socket = await open_socket(await sync_to_async(make_user)())
    for _ in range(3):
        await socket.send_json_to({"message": "hello"})
        assert (await socket.receive_json_from())["message"] == "received"
    await socket.send_json_to({"message": "one too many"})
    assert (await socket.receive_json_from())["error"] == "more than 3 messages in 10 seconds"
    assert (await socket.receive_output())["code"] == 1008


async def test_bad_prompt_and_model_failure_are_reported_on_the_socket(make_user):
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", "prompt": "  "})
    assert await socket.receive_json_from() == {"type": "error", "error": "prompt is required"}
    FakeGenerator.fail_with = "out of memory"
    await socket.send_json_to({"type": "prompt", "prompt": "keep me"})
    events, failed = await collect_stream(socket)
    assert events[0]["type"] == "prompt.started"
    assert failed["type"] == "prompt.failed" and failed["reason"] == "out of memory"
    stored = await Prompt.objects.aget(pk=failed["prompt_id"])
    assert stored.text == "keep me" and stored.status == "failed"
    await socket.disconnect()


async def test_full_generation_queue_refuses_with_retry_after(make_user, settings):
    settings.GENERATION_QUEUE_SIZE = 0
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", "prompt": "anyone there?"})
    refused = await socket.receive_json_from()
    assert refused["type"] == "error" and refused["retry_after"] == 2 and "busy" in refused["error"]
    assert await Prompt.objects.acount() == 0  # refused before anything was stored
    await socket.disconnect()


async def test_next_prompt_sent_the_moment_the_answer_is_done_is_accepted(make_user):
    """A client that sends its next prompt as soon as it reads "prompt.done" is never told that a
    prompt is still streaming."""
    socket = await open_socket(await sync_to_async(make_user)())
    for text in ("first question", "second question", "third question"):
        await socket.send_json_to({"type": "prompt", "prompt": text})
        events, done = await collect_stream(socket)
        assert events[0]["type"] == "prompt.started" and done["type"] == "prompt.done", (events, done)
        assert done["prompt"] == text
    await socket.disconnect()


async def test_client_leaving_mid_stream_cancels_and_keeps_the_partial_answer(make_user):
    FakeGenerator.piece_delay_s = 0.2
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", "prompt": "a long story please"})
    started = await socket.receive_json_from()
    first = await socket.receive_json_from(timeout=5)
    await socket.disconnect()
    for _ in range(50):  # the worker notices at its next piece, stores the part sent, frees its slot
        if generation_slots.in_use == 0:
            break
        await asyncio.sleep(0.1)
    assert generation_slots.in_use == 0
    stored = await Prompt.objects.select_related("metadata").aget(pk=started["id"])
    assert stored.status == "failed" and stored.metadata.extra_info["error"].startswith("cancelled")
    assert stored.response.startswith(first["delta"]) and stored.response != "Answer to: a long story please"


async def test_post_with_stream_pushes_deltas_to_every_socket_of_the_user(make_user, client_for):
    alice, bob = await sync_to_async(make_user)("alice"), await sync_to_async(make_user)("bob")
    first, second, stranger = await open_socket(alice), await open_socket(alice), await open_socket(bob)
    client = await sync_to_async(client_for)(alice)
    body = {"prompt": "What is streaming?", "send_via_websocket": True, "stream": True}
    response = await sync_to_async(client.post)("/prompts/", body, format="json")
    assert response.status_code == 201
    created = response.json()
    for socket in (first, second):
        events, done = await collect_stream(socket)
        assert events[0]["type"] == "prompt.started"
        assert "".join(e["delta"] for e in events[1:]) == created["response"] == done["response"]
        assert done["id"] == created["id"] and done["embedding_length"] == 384
    assert await stranger.receive_nothing(timeout=0.3)
    for socket in (first, second, stranger):
        await socket.disconnect()


def test_stream_needs_send_via_websocket_and_busy_is_503(make_user, client_for, settings):
    client = client_for(make_user())
    response = client.post("/prompts/", {"prompt": "hi", "stream": True}, format="json")
    assert response.status_code == 400 and "send_via_websocket" in response.json()["error"]
    response = client.post("/prompts/", {"prompt": "hi", "stream": "yes"}, format="json")
    assert response.json() == {"error": "stream must be true or false"}
    settings.GENERATION_QUEUE_SIZE = 0
    response = client.post("/prompts/", {"prompt": "hi"}, format="json")
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "busy" in response.json()["error"]
    assert Prompt.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"type": "prompt", "prompt": "lone \\ud800"}', "lone surrogate"),
        ('{"type": "prompt", "prompt": "nul \\u0000"}', "NUL"),
        ("[" * 3000 + "]" * 3000, "nested too deeply"),
        ("not json", "messages must be JSON"),
        ("[1]", "messages must be JSON objects"),
    ],
)
async def test_every_refused_message_is_answered_and_logged(make_user, caplog, raw, reason):
    socket = await open_socket(await sync_to_async(make_user)())
    with caplog.at_level("WARNING", logger="prompt_forge.prompts.consumers"):
        await socket.send_to(text_data=raw)
        answer = await socket.receive_json_from()
    assert answer["type"] == "error" and reason in answer["error"]
    assert any("websocket message refused" in r.message and reason in r.message for r in caplog.records)
    assert await Prompt.objects.acount() == 0
    await socket.disconnect()


async def test_prompt_deleted_while_streaming_is_reported_on_the_socket(make_user, monkeypatch):
    from tests.fakes import deleting_while_answering

    deleting_while_answering(monkeypatch)
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", "prompt": "delete me meanwhile"})
    _events, last = await collect_stream(socket)
    assert last == {"type": "error", "error": "the prompt was deleted while it was being answered"}
    await socket.disconnect()


async def test_messages_before_authentication_and_bad_tokens_are_answered_and_logged(caplog):
    with caplog.at_level("WARNING", logger="prompt_forge.prompts.consumers"):
        for message, reason in (({"type": "prompt", "prompt": "hi"}, "not authenticated"),
                                ({"type": "auth", "token": "forged"}, "invalid or expired token")):  # fmt: skip
            socket = await open_socket()
            await socket.send_json_to(message)
            assert (await socket.receive_json_from())["type"] == "error"
            assert (await socket.receive_output())["code"] == 4401
            assert any(reason in record.message for record in caplog.records)


async def test_a_prompt_over_the_token_budget_is_refused_on_the_socket(make_user, settings):
    settings.GENERATION_MAX_PROMPT_TOKENS = 50
    socket = await open_socket(await sync_to_async(make_user)())
    await socket.send_json_to({"type": "prompt", "prompt": "word " * 60})
    refused = await socket.receive_json_from()
    assert refused["type"] == "error" and "at most 50 are accepted" in refused["error"]
    assert await Prompt.objects.acount() == 0
    await socket.disconnect()


async def test_a_template_runs_over_the_socket(make_user):
    from asgiref.sync import sync_to_async

    from prompt_forge.prompt_templates.services import template_create
    from prompt_forge.prompts.models import Prompt

    user = await sync_to_async(make_user)()
    await sync_to_async(template_create)(user_id=user.pk, name="greet", content="Greet {{who}}")
    socket = await open_socket(user)
    await socket.send_json_to({"type": "prompt", "template": "greet", "variables": {}})
    assert (await socket.receive_json_from(timeout=5)) == {"type": "error", "error": "missing template variable: who"}
    await socket.send_json_to({"type": "prompt", "template": "nope", "variables": {}})
    assert (await socket.receive_json_from(timeout=5)) == {"type": "error", "error": "template not found"}
    await socket.send_json_to({"type": "prompt", "template": "greet", "variables": {"who": "Ada"}})
    events, done = await collect_stream(socket)
    assert done["type"] == "prompt.done" and done["prompt"] == "Greet Ada"
    stored = await Prompt.objects.select_related("metadata").aget(pk=done["id"])
    assert stored.metadata.extra_info["template"] == {"name": "greet", "version": 1, "variables": {"who": "Ada"}}
    await socket.disconnect()
