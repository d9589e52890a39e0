"""Writing and reading the per-user change log (see models.py for why it is ordered)."""

from collections.abc import Sequence

from django.db import connection, transaction

from .models import IndexChange, IndexVersion


def _bump(user_id: int, count: int) -> int:
    """Reserve `count` versions for the user; returns the last one. Locks the user's row until commit."""
    table = connection.ops.quote_name(IndexVersion._meta.db_table)
    with connection.cursor() as cursor:
        # One statement on SQLite (3.35+) and PostgreSQL: create the row or increment it, atomically.
        cursor.execute(
            f"INSERT INTO {table} (user_id, version) VALUES (%s, %s) "
            f"ON CONFLICT (user_id) DO UPDATE SET version = {table}.version + excluded.version "
            "RETURNING version",
            [user_id, count],
        )
        return int(cursor.fetchone()[0])


def record(*, user_id: int, prompt_ids: Sequence[int], op: str) -> int:
    """Log that these prompts were upserted or removed; call inside the writing transaction."""
    if not prompt_ids:
        return current_version(user_id)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal.record must run inside the transaction that changes the embeddings")
    last = _bump(user_id, len(prompt_ids))
    first = last - len(prompt_ids) + 1
    IndexChange.objects.bulk_create(
        IndexChange(user_id=user_id, version=first + offset, prompt_id=prompt_id, op=op)
        for offset, prompt_id in enumerate(prompt_ids)
    )
    return last


def current_version(user_id: int) -> int:
    return IndexVersion.objects.filter(user_id=user_id).values_list("version", flat=True).first() or 0
