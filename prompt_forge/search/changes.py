"""What other packages tell search: one verb per change, called inside the transaction that makes it.

Each verb logs the change (so every process's index catches up, see models.py) and hands the
vectors to the configured index (a backend may store them too). Callers never touch the log.
"""

from collections.abc import Sequence

import numpy as np

from . import journal
from .models import IndexChange
from .registry import get_index


def record_upserts(user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None:
    """These prompts of the user now have these vectors (one row each, in order)."""
    ids = list(ids)
    if not ids:
        return
    journal.record(user_id=user_id, prompt_ids=ids, op=IndexChange.Op.UPSERT)
    get_index().write(user_id=user_id, ids=ids, vectors=vectors)


def record_removals(user_id: int, ids: Sequence[int]) -> None:
    """These prompts of the user are gone."""
    journal.record(user_id=user_id, prompt_ids=list(ids), op=IndexChange.Op.REMOVE)
