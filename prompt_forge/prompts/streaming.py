"""Token streaming: a prompt answered piece by piece, stored exactly as it was streamed.

`prompt_stream` is a plain (blocking) generator of events, used as is by sync code (the REST view)
and through `stream_in_thread` by async code (WebSocket consumer, server-sent events), so generation
never runs on the event loop. Closing the stream early (client gone) cancels generation and keeps
the prompt, marked failed, with the part of the answer already sent.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

from django.db import connections

from prompt_forge.ai.admission import GenerationBusyError, generation_slots
from prompt_forge.ai.base import Generation, ModelError, SamplingParams
from prompt_forge.ai.registry import get_generator
from prompt_forge.common.exceptions import PromptFailedError

from .models import Prompt
from .notifications import push_to_user
from .services import PromptDeletedError, _mark_failed, _save_pending, complete_prompt, fail_prompt, push_payload

CANCELLED_REASON = "cancelled: the client went away before the answer was complete"


@dataclass(frozen=True)
class StreamStarted:
    prompt: Prompt


@dataclass(frozen=True)
class StreamDelta:
    prompt_id: int
    text: str


@dataclass(frozen=True)
class StreamDone:
    prompt: Prompt
    generation: Generation


StreamEvent = StreamStarted | StreamDelta | StreamDone


def prompt_stream(
    *,
    user_id: int,
    text: str,
    send_via_websocket: bool = False,
    conversation: list[dict] | None = None,
    params: SamplingParams | None = None,
    source: dict | None = None,
) -> Iterator[StreamEvent]:
    """Yield StreamStarted, a StreamDelta per piece of answer, then StreamDone.

    Raises GenerationBusyError (nothing stored) before StreamStarted when the process is full, and
    PromptFailedError (prompt kept, status failed) when the model fails.
    """
    with generation_slots.slot():
        prompt = _save_pending(user_id=user_id, text=text, send_via_websocket=send_via_websocket, source=source)
        pieces: list[str] = []
        generation = None
        model_stream = None
        try:
            yield StreamStarted(prompt)
            model_stream = get_generator().stream(conversation or text, params=params)
            for event in model_stream:
                if isinstance(event, Generation):
                    generation = event
                    continue
                pieces.append(event)
                yield StreamDelta(prompt.pk, event)
        except ModelError as exc:
            raise fail_prompt(prompt, exc, partial_response="".join(pieces)) from exc
        except GeneratorExit:
            _mark_failed(prompt, CANCELLED_REASON, partial_response="".join(pieces))
            raise
        finally:
            if model_stream is not None:
                model_stream.close()  # frees the model's slot at once when we stop early
        if generation is None:
            raise fail_prompt(prompt, ModelError("the model stream ended without a result"), partial_response="")
    # The stored answer is exactly what the client was shown.
    done = complete_prompt(prompt, generation, response="".join(pieces), send_via_websocket=send_via_websocket)
    yield StreamDone(done, generation)


def event_payload(event: StreamEvent) -> dict:
    """The JSON message a WebSocket client receives for each event (see README, "Streaming")."""
    if isinstance(event, StreamStarted):
        return {"type": "prompt.started", "id": event.prompt.pk, "prompt": event.prompt.text}
    if isinstance(event, StreamDelta):
        return {"type": "prompt.delta", "id": event.prompt_id, "delta": event.text}
    embedding_length = len(event.prompt.embedding.as_array())
    return push_payload(event.prompt, embedding_length, finish_reason=event.generation.finish_reason)


def failure_payload(exc: PromptFailedError) -> dict:
    return {"type": "prompt.failed", "id": exc.prompt_id, **exc.as_dict()}


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
    except PromptFailedError as exc:
        yield failure_payload(exc)
    except GenerationBusyError as exc:
        yield {"type": "error", "error": str(exc), "retry_after": exc.retry_after}
    except PromptDeletedError as exc:
        yield {"type": "error", "error": str(exc.detail)}


def prompt_stream_to_user(*, user_id: int, text: str, params: SamplingParams | None = None) -> Prompt:
    """Stream a prompt to every socket of its user (POST /prompts/ with "stream": true); return it stored."""
    for event in prompt_stream(user_id=user_id, text=text, send_via_websocket=True, params=params):
        if isinstance(event, StreamDone):
            return event.prompt  # its "prompt.done" push goes out on commit, like any push
        push_to_user(user_id, event_payload(event))
    raise RuntimeError("prompt stream ended without a result")
