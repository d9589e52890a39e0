"""Reads of prompt history. Every query is scoped to one user: no function here crosses users."""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from prompt_forge.ai.registry import get_embedder
from prompt_forge.search import journal
from prompt_forge.search.base import Changes, Fingerprint, Vectors
from prompt_forge.search.models import IndexChange
from prompt_forge.search.registry import get_index

from .models import Prompt, PromptEmbedding


def prompt_list(*, user_id: int) -> QuerySet[Prompt]:
    return Prompt.objects.filter(user_id=user_id).select_related("metadata", "embedding").order_by("-created_at", "-id")


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
    # Only this user's completed prompts with an answer qualify, whatever the index says.
    answered = (
        Prompt.objects.filter(user_id=user_id, pk__in=[hit.prompt_id for hit in close], status=Prompt.Status.COMPLETED)
        .exclude(response="")
        .select_related("metadata")
        .in_bulk()
    )
    for hit in close:
        if hit.prompt_id in answered:
            return CacheLookup(prompt=answered[hit.prompt_id], similarity=round(hit.score, 4), threshold=threshold)
    return CacheLookup(prompt=None, similarity=best, threshold=threshold)


class EmbeddingSource:
    """What the vector index is verified against, rebuilt and caught up from: the stored embeddings."""

    def fingerprint(self, user_id: int, model_name: str) -> Fingerprint:
        totals = PromptEmbedding.objects.filter(user_id=user_id, model_name=model_name).aggregate(
            count=Count("prompt_id"), id_sum=Sum("prompt_id")
        )
        return Fingerprint(count=totals["count"], id_sum=totals["id_sum"] or 0)

    def vectors(self, user_id: int, model_name: str) -> Vectors:
        # The version is read first: a change committed meanwhile is then replayed, never missed.
        version = journal.current_version(user_id)
        rows = PromptEmbedding.objects.filter(user_id=user_id, model_name=model_name).values_list("prompt_id", "vector")
        ids: list[int] = []
        chunks: list[bytes] = []
        for prompt_id, vector in rows.iterator(chunk_size=5000):
            ids.append(prompt_id)
            chunks.append(bytes(vector))
        return Vectors(version=version, ids=ids, matrix=_matrix(chunks))

    def changes_since(self, user_id: int, version: int, model_name: str) -> Changes:
        current = PromptEmbedding.objects.filter(prompt_id=OuterRef("prompt_id"), model_name=model_name)
        rows = (
            IndexChange.objects.filter(user_id=user_id, version__gt=version)
            .order_by("version")
            .values_list("version", "prompt_id", Subquery(current.values("vector")[:1]))
        )
        latest: dict[int, bytes | None] = {}
        newest = version
        for row_version, prompt_id, vector in rows:
            newest = row_version
            # Every row carries the prompt's current vector (or none once deleted): the last word wins.
            latest[prompt_id] = bytes(vector) if vector is not None else None
        upserts = [(pid, vec) for pid, vec in latest.items() if vec is not None]
        return Changes(
            version=newest,
            upsert_ids=[pid for pid, _ in upserts],
            upsert_vectors=_matrix([vec for _, vec in upserts]),
            removed_ids=[pid for pid, vec in latest.items() if vec is None],
        )


def _matrix(chunks: list[bytes]) -> np.ndarray:
    if not chunks:
        return np.empty((0, 0), dtype=np.float32)
    matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(len(chunks), -1)
    return np.ascontiguousarray(matrix, dtype=np.float32)
