"""One search over a user's history: keyword ranking, meaning ranking, or both fused.

Hybrid is reciprocal rank fusion: each ranking gives a turn 1 / (RRF_K + rank), the sum orders the
result. It needs no score calibration between bm25 / ts_rank_cd and cosine similarity, and a turn
found by both rankings rises above one found by either alone.
"""

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from django.db.models import QuerySet

from prompt_forge.ai.registry import get_embedder

from . import keyword_index
from .registry import ANSWER, PROMPT, get_index

RRF_K = 60
# Queries are embedded here while the request's thread asks the database for the words' ranking and
# the filters' candidates: both wait outside the GIL (the model's runtime, SQLite or the network).
_embedding = ThreadPoolExecutor(max_workers=4, thread_name_prefix="query-embedding")


class Mode(StrEnum):
    HYBRID = "hybrid"
    SEMANTIC = "semantic"
    KEYWORD = "keyword"


@dataclass(frozen=True)
class RankedHit:
    prompt_id: int
    score: float  # the fused reciprocal-rank score, higher is better
    keyword_rank: int | None = None  # 1 = best keyword match; None: not among the keyword matches
    semantic_rank: int | None = None  # 1 = closest in meaning; None: not among the nearest
    similarity: float | None = None  # cosine similarity to the query, when found by meaning
    semantic_fields: tuple[str, ...] = field(default_factory=tuple)  # "prompt" or "answer": the nearer vector


def depth_for(k: int) -> int:
    """How many candidates each ranking contributes before fusion."""
    return min(max(3 * k, 30), 200)


def fuse(rankings: list[list[int]]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, prompt_id in enumerate(ranking, start=1):
            scores[prompt_id] = scores.get(prompt_id, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def _embed(query: str) -> np.ndarray:
    return get_embedder().embed([query])[0]


def _semantic(
    *, user_id: int, vector: np.ndarray, depth: int, allowed: list[int] | None
) -> list[tuple[int, float, tuple]]:
    """(prompt id, cosine, which vector), best first: a turn is as close as the nearer of its prompt's
    vector and its answer's."""
    best: dict[int, float] = {}
    fields: dict[int, tuple[str, ...]] = {}
    for kind in (PROMPT, ANSWER):
        for hit in get_index(kind).search(user_id=user_id, vector=vector, k=depth, allowed=allowed):
            if hit.score > best.get(hit.prompt_id, -2.0):  # the nearer of the two says what matched
                best[hit.prompt_id], fields[hit.prompt_id] = hit.score, (kind,)
    ranked = sorted(best, key=lambda prompt_id: (-best[prompt_id], prompt_id))[:depth]
    return [(prompt_id, best[prompt_id], fields[prompt_id]) for prompt_id in ranked]


def search(*, user_id: int, query: str, mode: Mode, k: int, candidates: QuerySet | None = None) -> list[RankedHit]:
    """The user's k best turns for `query`. `candidates`: a query of the prompt ids allowed (filters);
    the hits are the k best among them whenever k of them match."""
    depth = depth_for(k)
    vector: Future | None = _embedding.submit(_embed, query) if mode != Mode.KEYWORD else None
    allowed = None
    if candidates is not None and mode != Mode.KEYWORD:
        allowed = list(candidates)
        if not allowed:
            return []
    keyword = (
        keyword_index.search(user_id=user_id, query=query, limit=depth, candidates=candidates)
        if mode != Mode.SEMANTIC
        else []
    )
    semantic = (
        _semantic(user_id=user_id, vector=vector.result(), depth=depth, allowed=allowed) if vector is not None else []
    )
    semantic_ids = [prompt_id for prompt_id, _score, _fields in semantic]
    scores = fuse([keyword, semantic_ids])
    keyword_ranks = {prompt_id: rank for rank, prompt_id in enumerate(keyword, start=1)}
    semantic_ranks = {prompt_id: (rank, score, fields) for rank, (prompt_id, score, fields) in enumerate(semantic, 1)}
    ordered = sorted(scores, key=lambda prompt_id: (-scores[prompt_id], prompt_id))[:k]
    hits = []
    for prompt_id in ordered:
        rank, similarity, fields = semantic_ranks.get(prompt_id, (None, None, ()))
        hits.append(
            RankedHit(
                prompt_id=prompt_id,
                score=round(scores[prompt_id], 6),
                keyword_rank=keyword_ranks.get(prompt_id),
                semantic_rank=rank,
                similarity=None if similarity is None else round(float(similarity), 4),
                semantic_fields=fields,
            )
        )
    return hits
