"""Search of one user's whole history (GET /search/): the turns best matching a query, by words and meaning.

Filters narrow the candidates inside the database query (never after ranking), so a filter that keeps
few turns still yields k hits when k exist. Every query is scoped to the user.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from prompt_forge.search.hybrid import Mode, RankedHit, search
from prompt_forge.search.snippets import Snippet, matched_fields, snippet
from prompt_forge.search.terms import query_terms

from ..models import Prompt
from ..selectors import prompt_list


@dataclass(frozen=True)
class SearchFilters:
    since: datetime | None = None
    until: datetime | None = None
    model: str | None = None
    conversation: int | None = None
    status: str | None = None
    tag: str | None = None
    template: str | None = None  # runs of this template (any version)

    def candidates(self, *, user_id: int) -> QuerySet | None:
        """The ids of the user's turns these filters keep; None when there is no filter."""
        conditions = {
            "created_at__gte": self.since,
            "created_at__lte": self.until,
            "metadata__model_used": self.model,
            "conversation_id": self.conversation,
            "status": self.status,
            "conversation__tags__name": self.tag,
            "metadata__extra_info__template__name": self.template,
        }
        given = {name: value for name, value in conditions.items() if value is not None}
        if not given:
            return None
        return Prompt.objects.filter(user_id=user_id, **given).order_by().values_list("pk", flat=True)


@dataclass(frozen=True)
class SearchHit:
    prompt: Prompt
    ranked: RankedHit
    matched: list[str]
    snippet: Snippet


def history_search(*, user_id: int, query: str, mode: Mode, k: int, filters: SearchFilters) -> list[SearchHit]:
    ranked = search(user_id=user_id, query=query, mode=mode, k=k, candidates=filters.candidates(user_id=user_id))
    # The indexes are caches: the database decides ownership (and which turns still exist).
    prompts = (
        prompt_list(user_id=user_id)
        .select_related("conversation")
        .defer("embedding__vector")
        .order_by()
        .in_bulk([hit.prompt_id for hit in ranked])
    )
    terms = query_terms(query)
    hits = []
    for hit in ranked:
        prompt = prompts.get(hit.prompt_id)
        if prompt is None:
            continue
        by_words = matched_fields(prompt=prompt.text, answer=prompt.response, terms=terms)
        matched = [name for name in ("prompt", "answer") if name in by_words or name in hit.semantic_fields]
        hits.append(
            SearchHit(
                prompt=prompt,
                ranked=hit,
                matched=matched,
                snippet=snippet(prompt=prompt.text, answer=prompt.response, terms=terms),
            )
        )
    return hits
