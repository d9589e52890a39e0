"""The process-wide vector index, built from settings on first use (and again after they change)."""

import atexit
import re
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from prompt_forge.ai.registry import MODEL_SETTINGS, get_embedder
from prompt_forge.common.plugin_settings import on_settings_change
from prompt_forge.plugins import plugins

from .base import VectorIndex, VectorStore
from .journal import ChangeLogSource

_lock = threading.Lock()
_index: VectorIndex | None = None
_store: VectorStore | None = None

EMBEDDING_DIMENSIONS = 384
# A change to any of these builds a new index on next use (the embedder's name selects its files).
INDEX_SETTINGS = {"VECTOR_BACKEND", "VECTOR_BACKEND_OPTIONS", "DATA_DIR", "PROMPT_FORGE", *MODEL_SETTINGS}


def use_vector_store(store: VectorStore) -> None:
    """Called once by the package that stores the vectors (prompts, in its AppConfig.ready)."""
    global _store
    _store = store


def get_store() -> VectorStore:
    if _store is None:
        raise ImproperlyConfigured("no vector store registered with search (prompts registers one when ready)")
    return _store


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _build() -> VectorIndex:
    if _store is None:
        raise ImproperlyConfigured("no vector store registered with search (prompts registers one when ready)")
    backend = plugins.resolve("VECTOR_BACKENDS", settings.VECTOR_BACKEND)
    # Only vectors of the embedder in use are comparable with its queries.
    model_name = get_embedder().model_name
    return backend(
        directory=settings.DATA_DIR / "index" / settings.VECTOR_BACKEND / _slug(model_name),
        dimensions=EMBEDDING_DIMENSIONS,
        source=ChangeLogSource(_store),
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


def _forget_index() -> None:
    """Drop the index; the next use builds one from the current settings (as a restart would)."""
    global _index
    with _lock:
        _index = None


on_settings_change(INDEX_SETTINGS, _forget_index)


@atexit.register
def _flush_on_exit() -> None:
    # Snapshots are written every few changes; the rest is written when the process exits cleanly.
    index = _index
    if index is not None:
        index.flush()
