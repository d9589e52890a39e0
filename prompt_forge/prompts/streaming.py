"""Prompt events on their way to async clients: the thread bridge and the WebSocket messages.

`prompt_stream` (services.py) is a plain (blocking) generator of events; `stream_in_thread` runs it
in its own thread for async code (WebSocket consumer, server-sent events), so generation never runs
on the event loop.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator

from django.db import connections

from prompt_forge.ai.admission import GenerationBusyError
from prompt_forge.ai.base import SamplingParams
from prompt_forge.edge.errors import reply_for

from .errors import PromptFailedError
from .models import Prompt
from .notifications import push_to_user
from .pipeline import StreamDelta, StreamDone, StreamEvent, StreamStarted
from .records import push_payload
from .services import prompt_stream

__all__ = ["StreamDelta", "StreamDone", "StreamStarted", "prompt_stream", "stream_in_thread", "stream_payloads"]


def event_payload(event: StreamEvent) -> dict:
    """The JSON message a WebSocket client receives for each event (see README, "Streaming")."""
    if isinstance(event, StreamStarted):
        return {"type": "prompt.started", "id": event.prompt.pk, "prompt": event.prompt.text}
    if isinstance(event, StreamDelta):
        return {"type": "prompt.delta", "id": event.prompt_id, "delta": event.text}
    embedding_length = len(event.prompt.embedding.as_array())
    return push_payload(event.prompt, embedding_length, finish_reason=event.generation.finish_reason)


_END = object()


async def stream_in_thread(make_stream: Callable[[], Iterator]) -> AsyncIterator:
    """Iterate a blocking iterator in its own thread and hand each item to the event loop.

    When the consumer stops early (cancelled, closed), the thread stops after the next item and
    closes the iterator, which cancels generation.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    stop = threading.Event()

    def hand_over(item, error=None) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (item, error))
        except RuntimeError:  # the loop is gone (server shutting down): nobody is listening
            stop.set()

    def run() -> None:
        iterator = make_stream()
        try:
            for item in iterator:
                if stop.is_set():
                    break
                hand_over(item)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the event loop side
            hand_over(None, exc)
        finally:
            try:
                iterator.close()
            finally:
                connections.close_all()  # this thread's database connections end with it
                hand_over(_END)

    threading.Thread(target=run, name="prompt-stream", daemon=True).start()
    try:
        while True:
            item, error = await queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()


async def stream_payloads(*, user_id: int, text: str, **options) -> AsyncIterator[dict]:
    """A prompt streamed as WebSocket messages: started, deltas, then done (or failed / error)."""
    try:
        events = stream_in_thread(lambda: prompt_stream(user_id=user_id, text=text, **options))
        async for event in events:
            yield event_payload(event)
    except (PromptFailedError, GenerationBusyError) as exc:
        yield reply_for(exc).socket


def prompt_stream_to_user(*, user_id: int, text: str, params: SamplingParams | None = None) -> Prompt:
    """Stream a prompt to every socket of its user (POST /prompts/ with "stream": true); return it stored."""
    for event in prompt_stream(user_id=user_id, text=text, send_via_websocket=True, params=params):
        if isinstance(event, StreamDone):
            return event.prompt  # its "prompt.done" push goes out on commit, like any push
        push_to_user(user_id, event_payload(event))
    raise RuntimeError("prompt stream ended without a result")
