"""Writes to a user's tags: set a conversation's tags, rename a tag, delete a tag.

A tag exists while a conversation carries it (GET /tags/ counts them). Names are at most
TAG_NAME_MAX characters, trimmed, inner whitespace collapsed, with no `/` (a tag is named in a URL)
and no control characters; a conversation has at most TAGS_PER_CONVERSATION, a user at most TAGS_PER_USER.
"""

import unicodedata

from django.db import transaction

from .errors import InvalidConversationRequestError
from .models import TAG_NAME_MAX, TAGS_PER_CONVERSATION, TAGS_PER_USER, Conversation, Tag


def clean_name(value) -> str:
    """A tag name as stored, or InvalidConversationRequestError saying what is wrong with it."""
    if not isinstance(value, str):
        raise InvalidConversationRequestError("a tag must be a string")
    if len(value) > TAG_NAME_MAX:
        raise InvalidConversationRequestError(f"a tag must be at most {TAG_NAME_MAX} characters")
    if "/" in value or any(unicodedata.category(char) == "Cc" for char in value):
        raise InvalidConversationRequestError("a tag must not contain '/' or control characters")
    name = " ".join(value.split())
    if not name:
        raise InvalidConversationRequestError("a tag must not be empty")
    return name


def clean_names(values) -> list[str]:
    """The distinct names of a tags list, in order."""
    if not isinstance(values, list):
        raise InvalidConversationRequestError("tags must be a list of strings")
    if len(values) > TAGS_PER_CONVERSATION:
        raise InvalidConversationRequestError(f"a conversation has at most {TAGS_PER_CONVERSATION} tags")
    return list(dict.fromkeys(clean_name(value) for value in values))


def _drop_unused(user_id: int) -> None:
    Tag.objects.filter(user_id=user_id, conversations__isnull=True).delete()


def conversation_set_tags(conversation: Conversation, *, names: list[str]) -> None:
    """The conversation now carries exactly these tags (clean_names output)."""
    user_id = conversation.user_id
    with transaction.atomic():
        existing = {tag.name: tag for tag in Tag.objects.filter(user_id=user_id, name__in=names)}
        missing = [name for name in names if name not in existing]
        if missing and Tag.objects.filter(user_id=user_id).count() + len(missing) > TAGS_PER_USER:
            raise InvalidConversationRequestError(f"you can have at most {TAGS_PER_USER} different tags")
        for name in missing:
            existing[name] = Tag.objects.create(user_id=user_id, name=name)
        conversation.tags.set([existing[name] for name in names])
        _drop_unused(user_id)


def tag_rename(*, user_id: int, name: str, new_name: str) -> bool:
    """Rename the user's tag (merging it into `new_name` if that exists); False when there is no such tag."""
    with transaction.atomic():
        tag = Tag.objects.select_for_update().filter(user_id=user_id, name=name).first()
        if tag is None:
            return False
        if new_name == name:
            return True
        target = Tag.objects.filter(user_id=user_id, name=new_name).first()
        if target is None:
            Tag.objects.filter(pk=tag.pk).update(name=new_name)
            return True
        through = Conversation.tags.through
        carrying = through.objects.filter(tag=tag).values_list("conversation_id", flat=True)
        already = set(through.objects.filter(tag=target).values_list("conversation_id", flat=True))
        through.objects.bulk_create(
            through(conversation_id=cid, tag_id=target.pk) for cid in carrying if cid not in already
        )
        tag.delete()
    return True


def tag_delete(*, user_id: int, name: str) -> bool:
    """Remove the tag from every conversation of the user; False when there is no such tag."""
    deleted, _ = Tag.objects.filter(user_id=user_id, name=name).delete()
    return bool(deleted)
