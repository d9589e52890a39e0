"""The process-wide vector index, built from settings on first use."""

import atexit
import re
import threading

from django.conf import settings
from django.utils.module_loading import import_string

from prompt_forge.ai.registry import get_embedder

from .base import VectorIndex

_lock = threading.Lock()
_index: VectorIndex | None = None

EMBEDDING_DIMENSIONS = 384


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _build() -> VectorIndex:
    backend = import_string(settings.VECTOR_BACKENDS.get(settings.VECTOR_BACKEND, settings.VECTOR_BACKEND))
    # Only vectors of the embedder in use are comparable with its queries.
    model_name = get_embedder().model_name
    return backend(
        directory=settings.DATA_DIR / "index" / settings.VECTOR_BACKEND / _slug(model_name),
        dimensions=EMBEDDING_DIMENSIONS,
        source=import_string(settings.VECTOR_SOURCE)(),
        model_name=model_name,
        **settings.VECTOR_BACKEND_OPTIONS.get(settings.VECTOR_BACKEND, {}),
    )


def get_index() -> VectorIndex:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _build()
    return _index


def reset_index() -> None:
    global _index
    with _lock:
        _index = None


@atexit.register
def _flush_on_exit() -> None:
    # Snapshots are written every few changes; the rest is written when the process exits cleanly.
    index = _index
    if index is not None and hasattr(index, "flush"):
        index.flush()
