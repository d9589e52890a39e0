"""The keyword index: each prompt's words and its answer's, searchable on the database's own full-text engine.

SQLite: FTS5 ranked by bm25() (keyword_sqlite.py); PostgreSQL: tsvector + GIN ranked by ts_rank_cd
(keyword_postgres.py). Written by search's verbs (changes.py) inside the transaction that writes the
prompt, so the index never disagrees with the committed history; rebuilt by `manage.py rebuild_index`.
"""

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection
from django.db.models import QuerySet

from . import keyword_postgres, keyword_sqlite
from .base import Document
from .models import KeywordDocument
from .registry import get_store
from .terms import query_terms, words

BATCH = 500


def _engine(using=None):
    return keyword_postgres if (using or connection).vendor == "postgresql" else keyword_sqlite


def ensure_schema(schema_connection) -> None:
    """Create the engine's index structures (run by the search app's migration)."""
    with schema_connection.cursor() as cursor:
        _engine(schema_connection).ensure(cursor)


def drop_schema(schema_connection) -> None:
    with schema_connection.cursor() as cursor:
        _engine(schema_connection).drop(cursor)


def _chunks(items: Iterable, size: int = BATCH):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write(*, user_id: int, ids: Sequence[int], documents: Sequence[Document]) -> None:
    """These prompts of the user now read `documents` (in order); call inside the writing transaction."""
    engine = _engine()
    for chunk in _chunks(zip(ids, documents, strict=True)):
        chunk_ids = [pid for pid, _document in chunk]
        with connection.cursor() as cursor:
            _forget(cursor, engine, chunk_ids)
            KeywordDocument.objects.bulk_create(
                KeywordDocument(prompt_id=pid, user_id=user_id, prompt=document.prompt, answer=document.answer)
                for pid, document in chunk
            )
            engine.index(cursor, chunk_ids)


def remove(*, user_id: int, ids: Sequence[int]) -> None:
    engine = _engine()
    for chunk in _chunks(ids):
        with connection.cursor() as cursor:
            _forget(cursor, engine, chunk, user_id=user_id)


def _forget(cursor, engine, ids: list[int], *, user_id: int | None = None) -> None:
    rows = KeywordDocument.objects.filter(prompt_id__in=ids)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    present = list(rows.values_list("prompt_id", flat=True))
    if present:
        engine.unindex(cursor, present)  # while the rows still hold the indexed words
        KeywordDocument.objects.filter(prompt_id__in=present).delete()


def should_match(terms: Sequence[str]) -> int:
    """How many of a query's words a turn must contain to count as a keyword match: all of one or two,
    at least half of more. A turn sharing one common word with a long question is not a match."""
    return len(terms) if len(terms) <= 2 else (len(terms) + 1) // 2


def search(*, user_id: int, query: str, limit: int, candidates: QuerySet | None = None) -> list[int]:
    """The user's prompt ids whose prompt and answer contain enough of the query's words, best first.

    The database ranks the turns containing any of the words (bm25 / ts_rank_cd); those with fewer
    than should_match() of them are dropped. `candidates`: a query of prompt ids the hits must be
    among (the filters), evaluated in the same SQL.
    """
    terms = query_terms(query)
    if not terms or limit < 1:
        return []
    compiled = None
    if candidates is not None:
        sql, params = candidates.query.sql_with_params()
        compiled = (sql, list(params))
    needed = should_match(terms)
    with connection.cursor() as cursor:
        ranked = _engine().ranked(cursor, user_id=user_id, terms=terms, limit=4 * limit, candidates=compiled)
    if needed <= 1:
        return ranked[:limit]
    wanted = set(terms)
    texts = KeywordDocument.objects.filter(prompt_id__in=ranked).values_list("prompt_id", "prompt", "answer")
    enough = {
        prompt_id
        for prompt_id, prompt, answer in texts
        if len(wanted.intersection(word for word, _s, _e in words(f"{prompt}\n{answer}"))) >= needed
    }
    return [prompt_id for prompt_id in ranked if prompt_id in enough][:limit]


def size(*, user_id: int) -> int:
    return KeywordDocument.objects.filter(user_id=user_id).count()


def indexed_ids(*, user_id: int) -> set[int]:
    return set(KeywordDocument.objects.filter(user_id=user_id).values_list("prompt_id", flat=True))


def rebuild(*, user_id: int, documents: Iterable[tuple[int, Document]]) -> int:
    """Replace the user's documents with these (id, document) pairs; returns how many are indexed."""
    remove(user_id=user_id, ids=sorted(indexed_ids(user_id=user_id)))
    written = 0
    for chunk in _chunks(documents):
        write(user_id=user_id, ids=[pid for pid, _doc in chunk], documents=[doc for _pid, doc in chunk])
        written += len(chunk)
    return written


def rebuild_engine(schema_connection) -> None:
    """Index every document of every user again (after a bulk load of the document table)."""
    with schema_connection.cursor() as cursor:
        _engine(schema_connection).rebuild_all(cursor)


def check(*, user_id: int) -> str | None:
    """Why the user's keyword index disagrees with the stored history, or None."""
    expected = {prompt_id for prompt_id, _document in get_store().documents(user_id)}
    found = indexed_ids(user_id=user_id)
    if found == expected:
        return None
    return f"keyword index has {len(found - expected)} turns too many and misses {len(expected - found)}"
