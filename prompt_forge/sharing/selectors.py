"""Reads of share links: the owner's list, and the public view of one link's conversation."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from prompt_forge.prompts.conversations.selectors import conversation_thread

from .models import ShareLink
from .tokens import token_hash


def share_list(*, user_id: int) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(user_id=user_id).select_related("conversation").order_by("-created_at", "-id")


@dataclass(frozen=True)
class PublicTurn:
    prompt: str
    response: str
    model: str
    created_at: datetime


@dataclass(frozen=True)
class PublicThread:
    """What a link shows: the conversation's title and active path, with each answer's model and time
    only (no ids, no embeddings, no other metadata)."""

    title: str
    turns: list[PublicTurn]

    def as_json(self) -> dict:
        turns = [
            {"prompt": t.prompt, "response": t.response, "model": t.model, "created_at": t.created_at.isoformat()}
            for t in self.turns
        ]
        return {"title": self.title, "turns": turns}


def shared_thread(*, token: str) -> PublicThread | None:
    """The conversation a live (not revoked, not expired) link shows, or None."""
    digest = token_hash(token)
    if digest is None:
        return None
    live = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    link = ShareLink.objects.filter(live, token_hash=digest).select_related("conversation").first()
    if link is None:
        return None
    thread = conversation_thread(link.conversation)
    turns = [
        PublicTurn(
            turn.text, turn.response, turn.metadata.model_used if hasattr(turn, "metadata") else "", turn.created_at
        )
        for turn in thread.turns
    ]
    return PublicThread(link.conversation.title, turns)
