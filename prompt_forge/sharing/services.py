"""Writes of share links: create one for your conversation, revoke them."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from prompt_forge.prompts.conversations import selectors as conversations
from prompt_forge.prompts.conversations.errors import ConversationNotFoundError

from .models import ShareLink
from .tokens import new_token, token_hash


@dataclass(frozen=True)
class NewShare:
    link: ShareLink
    token: str  # shown once: only its hash is stored


def share_create(*, user_id: int, conversation_id: int, expires_in_days: int | None) -> NewShare:
    """A new read-only link to the user's own conversation (another user's reads as missing: 404)."""
    conversation = conversations.conversation_get(user_id=user_id, conversation_id=conversation_id)
    if conversation is None:
        raise ConversationNotFoundError()
    token = new_token()
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    link = ShareLink.objects.create(
        user_id=user_id, conversation=conversation, token_hash=token_hash(token), expires_at=expires_at
    )
    return NewShare(link, token)


def share_revoke_conversation(*, user_id: int, conversation_id: int) -> int:
    """Revoke every link to the user's conversation at once; how many there were."""
    conversation = conversations.conversation_get(user_id=user_id, conversation_id=conversation_id)
    if conversation is None:
        raise ConversationNotFoundError()
    deleted, _ = ShareLink.objects.filter(user_id=user_id, conversation=conversation).delete()
    return deleted


def share_revoke(*, user_id: int, share_id: int) -> bool:
    """Revoke one of the user's links; False when it is not theirs (or gone)."""
    if not 0 < share_id <= 2**63 - 1:
        return False
    deleted, _ = ShareLink.objects.filter(user_id=user_id, pk=share_id).delete()
    return bool(deleted)
