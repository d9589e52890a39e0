"""Reads of conversations. Every query is scoped to one user: another user's id reads as missing."""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from prompt_forge.ai.registry import get_embedder
from prompt_forge.search.registry import get_index

from ..models import Prompt
from ..selectors import MAX_ID
from .models import Conversation, Tag
from .tree import Tree


def conversation_list(
    *, user_id: int, archived: bool | None = False, template: str | None = None, tag: str | None = None
) -> QuerySet[Conversation]:
    """The user's conversations, pinned first, then the most recently updated; with `turn_count`.
    `template`: only those with a turn that ran that template; `tag`: only those carrying that tag."""
    turns = Prompt.objects.filter(conversation=OuterRef("pk")).order_by().values("conversation").annotate(n=Count("pk"))
    queryset = Conversation.objects.filter(user_id=user_id)
    if archived is not None:
        # "IN" rather than Django's "NOT archived": SQLite then walks the list index in order (no sort,
        # and the turn count only for the rows of the page).
        queryset = queryset.filter(archived__in=[archived])
    if template is not None:
        ran = Prompt.objects.filter(user_id=user_id, metadata__extra_info__template__name=template)
        queryset = queryset.filter(pk__in=ran.values("conversation_id"))
    if tag is not None:
        queryset = queryset.filter(tags__user_id=user_id, tags__name=tag)
    queryset = queryset.prefetch_related("tags")
    return queryset.annotate(turn_count=Coalesce(Subquery(turns.values("n")), 0)).order_by(
        F("pinned").desc(), F("updated_at").desc(), F("id").desc()
    )


def tag_counts(*, user_id: int) -> list[dict]:
    """The user's tags by name, each with how many of their conversations carry it."""
    # A tag whose last conversation was deleted counts no more (it is dropped at the next tag change).
    tags = Tag.objects.filter(user_id=user_id).annotate(count=Count("conversations")).filter(count__gt=0)
    tags = tags.order_by("name")
    return [{"name": name, "count": count} for name, count in tags.values_list("name", "count")]


def conversation_get(*, user_id: int, conversation_id) -> Conversation | None:
    """The user's own conversation, or None (someone else's is indistinguishable from a missing one)."""
    if not isinstance(conversation_id, int) or isinstance(conversation_id, bool) or not 0 < conversation_id <= MAX_ID:
        return None
    return Conversation.objects.filter(user_id=user_id, pk=conversation_id).first()


def turn_get(*, conversation: Conversation, turn_id) -> Prompt | None:
    """A turn of this conversation, or None."""
    if not isinstance(turn_id, int) or isinstance(turn_id, bool) or not 0 < turn_id <= MAX_ID:
        return None
    return Prompt.objects.filter(conversation=conversation, user_id=conversation.user_id, pk=turn_id).first()


def conversation_tree(conversation: Conversation) -> Tree:
    pairs = Prompt.objects.filter(conversation=conversation).order_by().values_list("pk", "parent_id")
    return Tree.of(pairs)


@dataclass(frozen=True)
class Thread:
    """A conversation's active path: its turns (first to leaf) and each turn's siblings."""

    conversation: Conversation
    turns: list[Prompt]
    siblings: dict[int, list[int]]
    turn_count: int  # every turn of the conversation, on any branch


def path_turns(conversation: Conversation, path: list[int]) -> list[Prompt]:
    rows = (
        Prompt.objects.filter(conversation=conversation, pk__in=path)
        .select_related("metadata", "embedding", "feedback")
        .defer("embedding__vector")
        .in_bulk()
    )
    return [rows[turn_id] for turn_id in path if turn_id in rows]


def conversation_thread(conversation: Conversation, *, leaf_id: int | None = None) -> Thread:
    """The path from the first turn to `leaf_id` (default: the active leaf), with siblings."""
    tree = conversation_tree(conversation)
    path = tree.path_to(leaf_id) if leaf_id is not None else tree.active_path(conversation.active_turn_id)
    return Thread(
        conversation=conversation,
        turns=path_turns(conversation, path),
        siblings=tree.siblings(path),
        turn_count=len(tree.parents),
    )


SEARCH_DEPTH = 100  # turns fetched from the index for a conversation search


def conversation_search(
    *, user_id: int, query: str, archived: bool | None, limit: int, template: str | None = None, tag: str | None = None
) -> list[Conversation]:
    """The user's conversations ranked by their best matching turn (each with `score` and `best_turn`)."""
    vector = get_embedder().embed([query])[0]
    hits = get_index().search(user_id=user_id, vector=vector, k=SEARCH_DEPTH)
    # The index is a cache: the database decides ownership (and which turns still exist).
    owners = dict(
        Prompt.objects.filter(user_id=user_id, pk__in=[hit.prompt_id for hit in hits], conversation__isnull=False)
        .order_by()
        .values_list("pk", "conversation_id")
    )
    best: dict[int, tuple[float, int]] = {}
    for hit in hits:  # most similar first: the first hit of a conversation is its best
        conversation_id = owners.get(hit.prompt_id)
        if conversation_id is not None and conversation_id not in best:
            best[conversation_id] = (hit.score, hit.prompt_id)
    conversations = conversation_list(user_id=user_id, archived=archived, template=template, tag=tag).in_bulk(
        list(best)
    )
    ranked = []
    for conversation_id, (score, turn_id) in best.items():
        conversation = conversations.get(conversation_id)
        if conversation is not None:
            conversation.score, conversation.best_turn = round(float(score), 4), turn_id
            ranked.append(conversation)
    return ranked[:limit]
