"""Where a new turn goes: the answer pipeline (prompts/services.py) calls these inside its transactions."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import Prompt
from .models import Conversation
from .titles import schedule_model_title, words_title


@dataclass(frozen=True)
class Placement:
    """An existing conversation of the user, and the turn the new one answers (None: a first turn)."""

    conversation_id: int
    parent_id: int | None


def create_turn(*, user_id: int, text: str, placement: Placement | None, **fields) -> Prompt:
    """Create the turn's row (inside the caller's transaction) and make it the conversation's active leaf.

    Without a placement the turn starts a new conversation of its own (POST /prompts/ as the seed has it).
    """
    now = timezone.now()
    if placement is None:
        conversation = Conversation.objects.create(user_id=user_id, title=words_title(text), created_at=now)
        placement = Placement(conversation_id=conversation.pk, parent_id=None)
    prompt = Prompt.objects.create(
        user_id=user_id, text=text, conversation_id=placement.conversation_id, parent_id=placement.parent_id, **fields
    )
    conversations = Conversation.objects.filter(pk=placement.conversation_id, user_id=user_id)
    conversations.update(active_turn=prompt, updated_at=now)
    # A conversation created empty (POST /conversations/) is named after its first prompt.
    conversations.filter(title="", title_source=Conversation.TitleSource.WORDS).update(title=words_title(text))
    return prompt


def detach(*, user_id: int, prompt_id: int) -> None:
    """Before a single turn is deleted: its children answer its parent instead (the thread stays whole)."""
    parent_id = Prompt.objects.filter(user_id=user_id, pk=prompt_id).values_list("parent_id", flat=True).first()
    Prompt.objects.filter(user_id=user_id, parent_id=prompt_id).update(parent_id=parent_id)


def answered(prompt: Prompt) -> None:
    """Called when a turn's answer is stored: after a conversation's first answer, the model names it."""
    if prompt.parent_id is not None or prompt.conversation_id is None:
        return
    named = Conversation.objects.filter(pk=prompt.conversation_id, title_source=Conversation.TitleSource.WORDS)
    if named.exists():
        conversation_id, text = prompt.conversation_id, prompt.text
        transaction.on_commit(lambda: schedule_model_title(conversation_id, text))


def wrap_in_conversations(prompts: list[Prompt]) -> None:
    """Give prompts created without one (a bulk import) a one-turn conversation each, in bulk."""
    conversations = Conversation.objects.bulk_create(
        Conversation(
            user_id=prompt.user_id,
            title=words_title(prompt.text),
            created_at=prompt.created_at,
            updated_at=prompt.created_at,
            active_turn=prompt,
        )
        for prompt in prompts
    )
    for prompt, conversation in zip(prompts, conversations, strict=True):
        prompt.conversation = conversation
    Prompt.objects.bulk_update(prompts, ["conversation"], batch_size=500)
