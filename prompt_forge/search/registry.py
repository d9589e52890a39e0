"""The process-wide vector index, built from settings on first use."""

import re
import threading

from django.conf import settings
from django.utils.module_loading import import_string

from .base import VectorIndex

_lock = threading.Lock()
_index: VectorIndex | None = None

EMBEDDING_DIMENSIONS = 384


def _model_slug() -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", settings.EMBEDDING_MODEL)


def get_index() -> VectorIndex:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                backend = import_string(settings.VECTOR_BACKENDS.get(settings.VECTOR_BACKEND, settings.VECTOR_BACKEND))
                source = import_string(settings.VECTOR_SOURCE)()
                _index = backend(
                    directory=settings.DATA_DIR / "index" / settings.VECTOR_BACKEND / _model_slug(),
                    dimensions=EMBEDDING_DIMENSIONS,
                    source=source,
                )
    return _index


def reset_index() -> None:
    global _index
    with _lock:
        _index = None
