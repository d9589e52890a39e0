"""Reads of prompt history. Every query is scoped to one user: no function here crosses users."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, QuerySet, Sum

from prompt_forge.ai.registry import get_embedder
from prompt_forge.search.base import Fingerprint
from prompt_forge.search.registry import get_index

from .models import Prompt, PromptEmbedding


def prompt_list(*, user_id: int) -> QuerySet[Prompt]:
    return Prompt.objects.filter(user_id=user_id).select_related("metadata", "embedding").order_by("-created_at", "-id")


def prompt_get(*, user_id: int, prompt_id: int) -> Prompt | None:
    """The user's own prompt, or None (another user's prompt is indistinguishable from a missing one)."""
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
    prompts = prompt_list(user_id=user_id).in_bulk([hit.prompt_id for hit in hits])
    return [ScoredPrompt(prompts[hit.prompt_id], hit.score) for hit in hits if hit.prompt_id in prompts]


class EmbeddingSource:
    """What the vector index is verified against and rebuilt from: the user's stored embeddings."""

    def fingerprint(self, user_id: int) -> Fingerprint:
        totals = PromptEmbedding.objects.filter(user_id=user_id).aggregate(
            count=Count("prompt_id"), id_sum=Sum("prompt_id")
        )
        return Fingerprint(count=totals["count"], id_sum=totals["id_sum"] or 0)

    def vectors(self, user_id: int) -> tuple[list[int], np.ndarray]:
        rows = PromptEmbedding.objects.filter(user_id=user_id).values_list("prompt_id", "vector")
        ids: list[int] = []
        chunks: list[bytes] = []
        for prompt_id, vector in rows.iterator(chunk_size=2000):
            ids.append(prompt_id)
            chunks.append(bytes(vector))
        if not ids:
            return [], np.empty((0, 0), dtype=np.float32)
        matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(len(ids), -1)
        return ids, np.ascontiguousarray(matrix, dtype=np.float32)
