"""Writes to prompt history: the public entry points. Every answer goes through pipeline.py."""

from collections.abc import Iterator

from django.db import transaction

from prompt_forge.ai import catalog
from prompt_forge.ai.base import SamplingParams
from prompt_forge.search import changes

from . import selectors
from .conversations import turns
from .conversations.turns import Placement
from .inputs import TemplateUse
from .models import Prompt
from .pipeline import AnswerRequest, StreamEvent, answer, answer_now
from .records import PromptNotRetriableError

__all__ = ["PromptNotRetriableError", "prompt_create", "prompt_delete", "prompt_retry", "prompt_stream"]


def prompt_create(
    *,
    user_id: int,
    text: str,
    send_via_websocket: bool = False,
    use_cache: bool = False,
    conversation: list[dict] | None = None,
    params: SamplingParams | None = None,
    source: dict | None = None,
    placement: Placement | None = None,
    template: TemplateUse | None = None,
    tags: dict | None = None,
    model: str | None = None,
    key_id: int | None = None,
) -> Prompt:
    """Answer `text` (or the `conversation` ending with it) with the model, or from the user's semantic
    cache; embed and store it, then notify. Raises GenerationBusyError, storing nothing, when this
    process already admits as many generations as it may, and PromptFailedError (prompt kept) when a
    model fails. The turn goes where `placement` says (default: the first turn of a new conversation).
    `model` names a model of the catalog (None: the default); `key_id` the API key used, if any."""
    request = AnswerRequest(
        user_id=user_id,
        text=text,
        send_via_websocket=send_via_websocket,
        use_cache=use_cache,
        conversation=conversation,
        params=params,
        source=source,
        placement=placement,
        template=template,
        tags=tags,
        model=model,
        key_id=key_id,
    )
    return answer_now(request)


def prompt_stream(
    *,
    user_id: int,
    text: str,
    send_via_websocket: bool = False,
    use_cache: bool = False,
    conversation: list[dict] | None = None,
    params: SamplingParams | None = None,
    source: dict | None = None,
    placement: Placement | None = None,
    template: TemplateUse | None = None,
    model: str | None = None,
    key_id: int | None = None,
) -> Iterator[StreamEvent]:
    """The same answer as prompt_create, as events: StreamStarted, a StreamDelta per piece, StreamDone.

    A plain (blocking) generator: async code iterates it through stream_in_thread. Raises
    GenerationBusyError before StreamStarted when the process is full, PromptFailedError when the
    model fails; closing it early cancels generation (the prompt is kept, failed, with what was sent).
    """
    request = AnswerRequest(
        user_id=user_id,
        text=text,
        send_via_websocket=send_via_websocket,
        use_cache=use_cache,
        conversation=conversation,
        params=params,
        source=source,
        placement=placement,
        template=template,
        model=model,
        key_id=key_id,
    )
    return answer(request, stream=True)


def prompt_retry(*, user_id: int, prompt_id: int, key_id: int | None = None) -> Prompt | None:
    """Answer again a prompt of this user whose generation failed (or was orphaned by a crash).

    None when the prompt does not exist or belongs to someone else; PromptNotRetriableError when it
    has an answer or is being answered right now.
    """
    prompt = selectors.prompt_get(user_id=user_id, prompt_id=prompt_id)
    if prompt is None:
        return None
    info = prompt.metadata.extra_info or {}
    request = AnswerRequest(
        user_id=user_id,
        text=prompt.text,
        send_via_websocket=prompt.metadata.sent_via_websocket,
        model=catalog.configured(info.get("model")),
        key_id=key_id,
    )
    return answer_now(request, retry=prompt)


def prompt_delete(*, user_id: int, prompt_id: int) -> bool:
    """Delete the user's own prompt; False when it does not exist or belongs to someone else."""
    if not 0 < prompt_id <= selectors.MAX_ID:
        return False
    with transaction.atomic():
        turns.detach(user_id=user_id, prompt_id=prompt_id)  # later turns now follow the one before it
        deleted, _ = Prompt.objects.filter(user_id=user_id, pk=prompt_id).delete()
        if deleted:
            changes.record_removals(user_id, [prompt_id])
    return bool(deleted)
