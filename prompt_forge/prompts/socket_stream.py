"""A streamed prompt as WebSocket messages: prompt.started, prompt.delta..., prompt.done (or failed).

`prompt_stream` (services.py) is a plain (blocking) generator of events; the WebSocket consumer
iterates it through common.thread_bridge.stream_in_thread, so generation never runs on the event
loop. POST /prompts/ with "stream": true pushes the same messages to every socket of the user.
"""

from collections.abc import AsyncIterator

from prompt_forge.ai.admission import GenerationBusyError, PromptTooLongError
from prompt_forge.ai.base import SamplingParams
from prompt_forge.common.thread_bridge import stream_in_thread
from prompt_forge.edge.errors import reply_for
from prompt_forge.usage.ledger import QuotaUnavailableError
from prompt_forge.usage.quota import QuotaExceededError

from .errors import PromptDeletedError, PromptFailedError
from .models import Prompt
from .notifications import push_to_user
from .pipeline import StreamDelta, StreamDone, StreamEvent, StreamStarted
from .records import push_payload
from .services import prompt_stream


def event_payload(event: StreamEvent) -> dict:
    """The JSON message a WebSocket client receives for each event (see README, "Streaming")."""
    if isinstance(event, StreamStarted):
        prompt = event.prompt
        started = {"type": "prompt.started", "id": prompt.pk, "prompt": prompt.text}
        return {**started, "conversation": prompt.conversation_id, "parent": prompt.parent_id}
    if isinstance(event, StreamDelta):
        return {"type": "prompt.delta", "id": event.prompt_id, "delta": event.text}
    embedding_length = len(event.prompt.embedding.as_array())
    return push_payload(event.prompt, embedding_length, finish_reason=event.generation.finish_reason)


async def stream_payloads(*, user_id: int, text: str, **options) -> AsyncIterator[dict]:
    """A prompt streamed as WebSocket messages: started, deltas, then done (or failed / error)."""
    try:
        events = stream_in_thread(lambda: prompt_stream(user_id=user_id, text=text, **options))
        async for event in events:
            yield event_payload(event)
    except (
        PromptFailedError,
        GenerationBusyError,
        PromptTooLongError,
        PromptDeletedError,
        QuotaExceededError,
        QuotaUnavailableError,
    ) as exc:
        yield reply_for(exc).socket


def prompt_stream_to_user(*, user_id: int, text: str, params: SamplingParams | None = None, **turn) -> Prompt:
    """Stream a prompt to every socket of its user (POST /prompts/ with "stream": true); return it stored.
    `turn`: the conversation `placement`, the model's `conversation` messages and the turn's `source`."""
    for event in prompt_stream(user_id=user_id, text=text, send_via_websocket=True, params=params, **turn):
        if isinstance(event, StreamDone):
            return event.prompt  # its "prompt.done" push goes out on commit, like any push
        push_to_user(user_id, event_payload(event))
    raise RuntimeError("prompt stream ended without a result")
