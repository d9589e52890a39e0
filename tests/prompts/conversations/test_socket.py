"""WebSocket streaming takes "conversation" and "parent" like REST (in-process, fake models)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from prompt_forge.prompts.models import Prompt
from tests.fakes import FakeGenerator
from tests.prompts.test_consumers import collect_stream, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def ask(socket, message: dict) -> tuple[list[dict], dict]:
    """Send a prompt and collect its stream; retried while the previous stream's task is still finishing."""
    for _ in range(50):
        await socket.send_json_to({"type": "prompt", **message})
        events, last = await collect_stream(socket)
        if last.get("error") != "a prompt is already streaming on this socket":
            return events, last
        await asyncio.sleep(0.05)
    raise AssertionError("the socket stayed busy")


async def test_streamed_turns_continue_a_conversation_with_context(make_user):
    user = await sync_to_async(make_user)()
    socket = await open_socket(user)
    events, first = await ask(socket, {"prompt": "Hi, my name is Zorblax."})
    conversation = events[0]["conversation"]
    events, second = await ask(socket, {"prompt": "What is my name?", "conversation": conversation})
    assert events[0]["conversation"] == conversation and events[0]["parent"] == first["id"]
    assert FakeGenerator.last_prompt[0] == {"role": "user", "content": "Hi, my name is Zorblax."}
    stored = await Prompt.objects.select_related("metadata").aget(pk=second["id"])
    assert stored.metadata.extra_info["context"] == {"earlier_turns": 1, "dropped_turns": 0}
    assert stored.metadata.extra_info["source"] == "websocket"
    # An edit of the first prompt: "parent": null starts a sibling first turn.
    events, last = await ask(socket, {"prompt": "Hello again", "conversation": conversation, "parent": None})
    assert events, last
    assert events[0]["parent"] is None and events[0]["conversation"] == conversation
    await socket.disconnect()


async def test_another_users_conversation_is_refused_like_a_missing_one(make_user):
    owner = await sync_to_async(make_user)("owner")
    intruder = await sync_to_async(make_user)("intruder")
    socket = await open_socket(owner)
    await socket.send_json_to({"type": "prompt", "prompt": "secret plans"})
    events, done = await collect_stream(socket)
    await socket.disconnect()
    other = await open_socket(intruder)
    for message in (
        {"conversation": events[0]["conversation"]},
        {"conversation": 999999},
        {"parent": done["id"]},
    ):
        await other.send_json_to({"type": "prompt", "prompt": "What were the plans?", **message})
        reply = await other.receive_json_from(timeout=5)
        assert reply["type"] == "error" and "not found" in reply["error"]
    await other.send_json_to({"type": "prompt", "prompt": "x", "conversation": "1"})
    assert (await other.receive_json_from(timeout=5))["error"] == "conversation must be an integer id"
    assert await Prompt.objects.filter(user=intruder).acount() == 0
    await other.disconnect()
