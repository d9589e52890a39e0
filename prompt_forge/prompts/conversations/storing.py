"""Turns that arrive with their answers (a chat client's earlier messages, imported exports): stored,
embedded in one batch and indexed, without running the model."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from prompt_forge.ai.base import Embedder
from prompt_forge.search import changes

from ..models import Prompt, PromptEmbedding, PromptMetadata
from ..turn_vectors import embed_turns
from .models import Conversation


@dataclass
class GivenTurn:
    """A turn to store as given. `parent` is the index of an earlier GivenTurn in the same list, or None."""

    text: str
    response: str
    parent: int | None = None
    created_at: datetime | None = None
    model_used: str = ""
    extra_info: dict = field(default_factory=dict)


def store_given_turns(
    *,
    conversation: Conversation,
    turns: list[GivenTurn],
    embedder: Embedder,
    below: int | None = None,
    active: int | None = None,
) -> list[Prompt]:
    """Store `turns` (parents before children) in the conversation; first turns go under `below`.

    Embedding happens before the transaction; the conversation (saved here when new), rows, embeddings
    and search change log are written together. `active` (an index into `turns`) becomes the active leaf.
    """
    vectors, answers = embed_turns(embedder, [turn.text for turn in turns], [turn.response for turn in turns])
    user_id, now = conversation.user_id, timezone.now()
    updated_at = now if conversation.pk is not None else conversation.updated_at
    with transaction.atomic():
        if conversation.pk is None:
            conversation.save()
        created: list[Prompt] = []
        for turn in turns:
            parent_id = created[turn.parent].pk if turn.parent is not None else below
            created.append(
                Prompt.objects.create(
                    user_id=user_id,
                    conversation=conversation,
                    parent_id=parent_id,
                    text=turn.text,
                    response=turn.response,
                    status=Prompt.Status.COMPLETED,
                    created_at=turn.created_at or now,
                )
            )
        PromptMetadata.objects.bulk_create(
            PromptMetadata(
                prompt=prompt,
                model_used=turn.model_used,
                extra_info={"status": Prompt.Status.COMPLETED, **turn.extra_info},
            )
            for prompt, turn in zip(created, turns, strict=True)
        )
        PromptEmbedding.objects.bulk_create(
            PromptEmbedding(
                prompt=prompt,
                user_id=user_id,
                model_name=embedder.model_name,
                vector=PromptEmbedding.encode(vector),
                answer_vector=PromptEmbedding.encode_optional(answer),
            )
            for prompt, vector, answer in zip(created, vectors, answers, strict=True)
        )
        if created:
            ids = [prompt.pk for prompt in created]
            documents = [changes.Document(prompt.text, prompt.response) for prompt in created]
            changes.record_upserts(user_id, ids, vectors, answer_vectors=answers, documents=documents)
            leaf = created[active if active is not None else -1]
            Conversation.objects.filter(pk=conversation.pk).update(active_turn=leaf, updated_at=updated_at)
    return created
