"""Load the persisted search indexes in a background thread when the server starts."""

import logging
import threading
import time

from django.conf import settings
from django.db import connections

from .registry import all_indexes

logger = logging.getLogger(__name__)

_finished = threading.Event()
_started = False


def warmup_pending() -> bool:
    """True while the start-up load of persisted indexes is still running."""
    return _started and not _finished.is_set()


def _warm() -> None:
    try:
        indexes = all_indexes()  # loads the embedding model first: its name selects the indexes
        started = time.perf_counter()
        vectors = sum(index.warm() for index in indexes)
        logger.info("search index ready: %d vectors loaded in %.2f s", vectors, time.perf_counter() - started)
    except Exception:  # noqa: BLE001 - searches load lazily and report the failure themselves
        logger.exception("search index warm-up failed")
    finally:
        connections.close_all()  # this thread's connections only
        _finished.set()


def start_index_warmup() -> threading.Thread | None:
    global _started
    if not settings.SEARCH_PRELOAD:
        return None
    _started = True
    thread = threading.Thread(target=_warm, name="search-warmup", daemon=True)
    thread.start()
    return thread
