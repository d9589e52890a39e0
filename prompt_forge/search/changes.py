"""What other packages tell search: one verb per change, called inside the transaction that makes it.

Each verb logs the change (so every process's vector index catches up, see models.py), hands the
vectors to the configured vector index (a backend may store them too) and updates the keyword index
with the turn's words. Callers never touch the log or the indexes.
"""

from collections.abc import Sequence

import numpy as np
from django.db import transaction

from . import journal, keyword_index
from .base import Document
from .models import IndexChange
from .registry import ANSWER, PROMPT, all_indexes, get_index, get_store

__all__ = ["Document", "rebuild_keywords", "record_removals", "record_upserts", "record_words"]


def record_upserts(
    user_id: int,
    ids: Sequence[int],
    vectors: np.ndarray,
    *,
    answer_vectors: Sequence[np.ndarray | None] | None = None,
    documents: Sequence[Document] | None = None,
) -> None:
    """These prompts of the user now have these vectors (one row each, in order), their answers these
    (None: no answer text), and, when given, these words (prompt and answer; else unchanged)."""
    ids = list(ids)
    if not ids:
        return
    journal.record(user_id=user_id, prompt_ids=ids, op=IndexChange.Op.UPSERT)
    get_index(PROMPT).write(user_id=user_id, ids=ids, vectors=vectors)
    pairs = zip(ids, answer_vectors, strict=True) if answer_vectors is not None else ()
    answered = [(pid, vector) for pid, vector in pairs if vector is not None]
    if answered:
        get_index(ANSWER).write(
            user_id=user_id, ids=[pid for pid, _v in answered], vectors=np.vstack([v for _pid, v in answered])
        )
    if documents is not None:
        keyword_index.write(user_id=user_id, ids=ids, documents=documents)


def record_words(user_id: int, ids: Sequence[int], documents: Sequence[Document]) -> None:
    """These turns of the user, not embedded (yet), now read `documents`: searchable by their words
    (a pending prompt, a failed one with the part of its answer already shown)."""
    if ids:
        keyword_index.write(user_id=user_id, ids=list(ids), documents=documents)


def rebuild_keywords(user_id: int) -> int:
    """Index the user's turns' words again from the stored history (`manage.py rebuild_index`)."""
    with transaction.atomic():
        return keyword_index.rebuild(user_id=user_id, documents=get_store().documents(user_id))


def record_removals(user_id: int, ids: Sequence[int]) -> None:
    """These prompts of the user are gone."""
    ids = list(ids)
    if not ids:
        return
    journal.record(user_id=user_id, prompt_ids=ids, op=IndexChange.Op.REMOVE)
    for index in all_indexes():
        index.remove(user_id=user_id, ids=ids)
    keyword_index.remove(user_id=user_id, ids=ids)
