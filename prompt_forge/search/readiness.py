"""Whether the search index can serve requests, for /readyz."""

from .registry import all_indexes
from .warmup import warmup_pending


def index_problem() -> str | None:
    """Why the search index cannot serve requests, or None when it can.

    Builds the index if needed, which loads the embedding model: call it once that model is loaded.
    """
    if warmup_pending():
        return "search index: loading persisted indexes"
    try:
        reason = next((found for index in all_indexes() if (found := index.problem())), None)
    except Exception as exc:  # noqa: BLE001 - any failure to build or check the index means not ready
        reason = str(exc) or type(exc).__name__
    return f"search index: {reason}" if reason else None
