"""Export: one conversation as Markdown (its active path, to read) or JSON (its whole tree, branches
included), and all of a user's conversations as one JSON array, streamed batch by batch."""

import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from ..models import Prompt
from . import selectors
from .models import Conversation

BATCH = 100  # conversations read per query while streaming an export


def _turn(turn: Prompt) -> dict:
    metadata = getattr(turn, "metadata", None)
    return {
        "id": turn.pk,
        "parent": turn.parent_id,
        "prompt": turn.text,
        "response": turn.response,
        "status": turn.status,
        "created_at": turn.created_at.isoformat(),
        "model_used": metadata.model_used if metadata else "",
        "supplied_by_client": bool(((metadata.extra_info if metadata else None) or {}).get("supplied_by_client")),
    }


def _conversation(conversation: Conversation, turns: list[Prompt]) -> dict:
    return {
        "id": conversation.pk,
        "title": conversation.title,
        "system": conversation.system,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
        "pinned": conversation.pinned,
        "archived": conversation.archived,
        "active_turn": selectors.conversation_tree(conversation).active_leaf(conversation.active_turn_id)
        if turns
        else None,
        "turns": [_turn(turn) for turn in turns],  # parents before children (creation order)
    }


def _turns_of(conversation_ids: list[int]) -> dict[int, list[Prompt]]:
    turns: dict[int, list[Prompt]] = {cid: [] for cid in conversation_ids}
    rows = Prompt.objects.filter(conversation_id__in=conversation_ids).select_related("metadata").order_by("pk")
    for turn in rows:
        turns[turn.conversation_id].append(turn)
    return turns


def as_json(conversation: Conversation) -> dict:
    return _conversation(conversation, _turns_of([conversation.pk])[conversation.pk])


def as_markdown(conversation: Conversation) -> str:
    thread = selectors.conversation_thread(conversation)
    lines = [f"# {conversation.title or 'Untitled conversation'}", ""]
    if conversation.system:
        lines += ["**System:**", "", conversation.system, ""]
    for turn in thread.turns:
        lines += ["**You:**", "", turn.text, "", "**Assistant:**", "", turn.response or "_(no answer)_", ""]
    return "\n".join(lines)


def _batch(user_id: int, after_id: int) -> list[dict]:
    conversations = list(Conversation.objects.filter(user_id=user_id, pk__gt=after_id).order_by("pk")[:BATCH])
    turns = _turns_of([conversation.pk for conversation in conversations])
    return [_conversation(conversation, turns[conversation.pk]) for conversation in conversations]


async def all_as_json(user_id: int) -> AsyncIterator[str]:
    """Every conversation of the user, as a JSON array written piece by piece (memory stays flat)."""
    yield "["
    after_id, separator = 0, ""
    while batch := await sync_to_async(_batch)(user_id, after_id):
        for item in batch:
            yield separator + json.dumps(item, ensure_ascii=False)
            separator = ",\n"
        after_id = batch[-1]["id"]
    yield "]\n"
