"""Writes to conversations: create, change, delete, and new turns through the one answer pipeline."""

from django.db import transaction
from django.utils import timezone

from prompt_forge.ai import catalog
from prompt_forge.ai.base import SamplingParams
from prompt_forge.search import changes

from .. import services as pipeline
from ..inputs import TemplateUse
from ..models import Prompt
from . import placement, selectors, tags
from .errors import InvalidConversationRequestError, TurnNotFoundError
from .models import TITLE_MAX, Conversation


def conversation_create(*, user_id: int, title: str = "", system: str = "", model: str = "") -> Conversation:
    source = Conversation.TitleSource.USER if title else Conversation.TitleSource.WORDS
    return Conversation.objects.create(
        user_id=user_id, title=title[:TITLE_MAX], title_source=source, system=system, model=model
    )


def conversation_update(conversation: Conversation, *, changes: dict) -> Conversation:
    """Apply validated changes (title, system, model, pinned, archived, active_turn, tags) to the user's
    conversation."""
    fields = []
    if "tags" in changes:
        tags.conversation_set_tags(conversation, names=changes.pop("tags"))
    if "active_turn" in changes:
        turn_id = changes.pop("active_turn")
        if selectors.turn_get(conversation=conversation, turn_id=turn_id) is None:
            raise InvalidConversationRequestError("active_turn must be a turn of this conversation")
        conversation.active_turn_id = turn_id
        fields.append("active_turn")
    if "title" in changes:
        conversation.title_source = Conversation.TitleSource.USER
        fields.append("title_source")
    for name, value in changes.items():
        setattr(conversation, name, value)
        fields.append(name)
    if fields:
        conversation.updated_at = timezone.now()
        conversation.save(update_fields=[*fields, "updated_at"])
    return conversation


def conversation_delete(*, user_id: int, conversation_id: int) -> bool:
    """Delete the user's conversation and its turns; they leave every search index and the cache."""
    with transaction.atomic():
        conversation = selectors.conversation_get(user_id=user_id, conversation_id=conversation_id)
        if conversation is None:
            return False
        turn_ids = list(Prompt.objects.filter(conversation=conversation, user_id=user_id).values_list("pk", flat=True))
        conversation.delete()  # its turns go with it
        if turn_ids:
            changes.record_removals(user_id, turn_ids)
    return True


def turn_create(
    *,
    user_id: int,
    text: str,
    conversation_id=None,
    parent_id=placement.ACTIVE_LEAF,
    use_cache: bool = False,
    send_via_websocket: bool = False,
    params: SamplingParams | None = None,
    template: TemplateUse | None = None,
    tags: dict | None = None,
    model: str | None = None,
    key_id: int | None = None,
) -> Prompt:
    """Answer `text` as a new turn of the user's conversation (after `parent_id`, default its active leaf);
    a template run uses the template's system prompt (if it has one) for this turn."""
    prepared = placement.prepare(
        user_id=user_id,
        text=text,
        conversation_id=conversation_id,
        parent_id=parent_id,
        params=params,
        system=template.system if template is not None else None,
        model=model,
    )
    return pipeline.prompt_create(
        user_id=user_id,
        text=text,
        send_via_websocket=send_via_websocket,
        use_cache=use_cache,
        conversation=prepared.messages,
        params=params,
        source=prepared.source,
        placement=prepared.placement,
        template=template,
        tags=tags,
        model=model or catalog.configured(prepared.conversation.model),
        key_id=key_id,
    )


def turn_regenerate(
    *,
    user_id: int,
    conversation: Conversation,
    turn_id: int,
    params: SamplingParams | None,
    model: str | None = None,
    key_id: int | None = None,
) -> Prompt:
    """A new answer to the same prompt: a sibling of the turn, under the same parent."""
    turn = selectors.turn_get(conversation=conversation, turn_id=turn_id)
    if turn is None:
        raise TurnNotFoundError()
    return turn_create(
        user_id=user_id,
        text=turn.text,
        conversation_id=conversation.pk,
        parent_id=turn.parent_id,
        params=params,
        model=model,
        key_id=key_id,
    )
