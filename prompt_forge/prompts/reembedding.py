"""Re-embedding stored prompts whose vectors are missing or came from another embedding model.

Vectors of different models are not comparable, so search ignores them until they are redone here.
Each batch is embedded outside any transaction, then written with its change-log entries atomically.
"""

from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q, QuerySet

from prompt_forge.ai.base import Embedder
from prompt_forge.search import changes

from .models import Prompt, PromptEmbedding
from .turn_vectors import embed_turns


def prompts_needing_embedding(*, model_name: str, user_id: int | None = None) -> QuerySet[Prompt]:
    """Answered prompts with no embedding, or one made by another model, or an answer not embedded yet."""
    prompts = Prompt.objects.filter(status=Prompt.Status.COMPLETED).filter(
        Q(embedding__isnull=True)
        | ~Q(embedding__model_name=model_name)
        | (Q(embedding__answer_vector__isnull=True) & ~Q(response=""))
    )
    return prompts.filter(user_id=user_id) if user_id is not None else prompts


def batches(queryset: QuerySet[Prompt], size: int) -> Iterator[list[Prompt]]:
    """Walk the queryset by id in batches; each batch is re-queried so rows fixed meanwhile drop out."""
    last_id = 0
    while batch := list(
        queryset.filter(pk__gt=last_id).order_by("pk").only("pk", "user_id", "text", "response")[:size]
    ):
        last_id = batch[-1].pk
        yield batch


def reembed(*, prompts: list[Prompt], embedder: Embedder) -> int:
    vectors, answers = embed_turns(embedder, [p.text for p in prompts], [p.response for p in prompts])
    by_user: dict[int, list[int]] = defaultdict(list)
    with transaction.atomic():
        existing = {row.prompt_id: row for row in PromptEmbedding.objects.filter(prompt_id__in=[p.pk for p in prompts])}
        fresh = []
        for prompt, vector, answer in zip(prompts, vectors, answers, strict=True):
            row = existing.get(prompt.pk) or PromptEmbedding(prompt_id=prompt.pk, user_id=prompt.user_id)
            row.model_name, row.vector = embedder.model_name, PromptEmbedding.encode(vector)
            row.answer_vector = PromptEmbedding.encode_optional(answer)
            if row.pk is None:
                fresh.append(row)
            by_user[prompt.user_id].append(prompt.pk)
        PromptEmbedding.objects.bulk_update(list(existing.values()), ["model_name", "vector", "answer_vector"])
        PromptEmbedding.objects.bulk_create(fresh)
        positions = {prompt.pk: row for row, prompt in enumerate(prompts)}
        for user_id, ids in by_user.items():
            changes.record_upserts(
                user_id,
                ids,
                vectors[[positions[pid] for pid in ids]],
                answer_vectors=[answers[positions[pid]] for pid in ids],
            )
    return len(prompts)


def users_with_prompts(*, user_id: int | None = None) -> list[int]:
    users = Prompt.objects.values_list("user_id", flat=True).distinct().order_by("user_id")
    return [user_id] if user_id is not None else list(users)
