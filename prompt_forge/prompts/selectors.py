"""Reads of prompt history. Every query is scoped to one user: no function here crosses users."""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import QuerySet

from prompt_forge.ai.registry import get_embedder
from prompt_forge.search.registry import get_index

from .models import Prompt, PromptFeedback


def prompt_list(*, user_id: int) -> QuerySet[Prompt]:
    return (
        Prompt.objects.filter(user_id=user_id)
        .select_related("metadata", "embedding", "feedback")
        .order_by("-created_at", "-id")
    )


def with_template(prompts: QuerySet[Prompt], *, template: str | None) -> QuerySet[Prompt]:
    """Only the prompts that ran this template (by name; any version). None: all of them."""
    if template is None:
        return prompts
    return prompts.filter(metadata__extra_info__template__name=template)


# Primary keys are 64-bit signed integers; a larger id from a URL cannot exist (and would overflow the query).
MAX_ID = 2**63 - 1


def prompt_get(*, user_id: int, prompt_id: int) -> Prompt | None:
    """The user's own prompt, or None (another user's prompt is indistinguishable from a missing one)."""
    if not 0 < prompt_id <= MAX_ID:
        return None
    return prompt_list(user_id=user_id).filter(pk=prompt_id).first()


@dataclass(frozen=True)
class ScoredPrompt:
    prompt: Prompt
    score: float


def prompt_similar(*, user_id: int, query: str, k: int, min_score: float | None = None) -> list[ScoredPrompt]:
    """The user's own prompts closest in meaning to `query`, most similar first."""
    vector = get_embedder().embed([query])[0]
    hits = get_index().search(user_id=user_id, vector=vector, k=k)
    if min_score is not None:
        hits = [hit for hit in hits if hit.score >= min_score]
    # Filtering by user again is deliberate: the index is a cache, the database decides ownership.
    # Unordered: with prompt_list's ORDER BY, SQLite walks the user's whole (user, created_at) index
    # (13 ms at 100k prompts) instead of looking up k primary keys.
    # Each hit names its conversation (id, title): joined here, not fetched per hit.
    hit_ids = [hit.prompt_id for hit in hits]
    prompts = prompt_list(user_id=user_id).select_related("conversation").order_by().in_bulk(hit_ids)
    return [ScoredPrompt(prompts[hit.prompt_id], hit.score) for hit in hits if hit.prompt_id in prompts]


@dataclass(frozen=True)
class CacheLookup:
    """The outcome of a semantic cache lookup: the earlier prompt to reuse, or why there is none."""

    prompt: Prompt | None
    similarity: float | None  # of the closest earlier prompt, hit or not
    threshold: float

    def as_info(self) -> dict:
        if self.prompt is None:
            return {"hit": False, "best_similarity": self.similarity, "threshold": self.threshold}
        return {
            "hit": True,
            "source_prompt_id": self.prompt.pk,
            "similarity": self.similarity,
            "threshold": self.threshold,
        }


def semantic_cache_lookup(*, user_id: int, vector: np.ndarray) -> CacheLookup:
    """The user's own most similar answered prompt, if it is at least SEMANTIC_CACHE_THRESHOLD similar."""
    threshold = settings.SEMANTIC_CACHE_THRESHOLD
    hits = get_index().search(user_id=user_id, vector=vector, k=5)
    best = round(hits[0].score, 4) if hits else None
    close = [hit for hit in hits if hit.score >= threshold]
    # Only this user's completed prompts with an answer qualify, whatever the index says; an answer the
    # user rated down never does (neither does the same text reused by an earlier cache hit).
    down_rated = PromptFeedback.objects.filter(user_id=user_id, rating=PromptFeedback.Rating.DOWN)
    answered = (
        Prompt.objects.filter(user_id=user_id, pk__in=[hit.prompt_id for hit in close], status=Prompt.Status.COMPLETED)
        .exclude(response="")
        .exclude(response__in=down_rated.values("prompt__response"))
        .select_related("metadata")
        .in_bulk()
    )
    for hit in close:
        if hit.prompt_id in answered:
            return CacheLookup(prompt=answered[hit.prompt_id], similarity=round(hit.score, 4), threshold=threshold)
    return CacheLookup(prompt=None, similarity=best, threshold=threshold)
