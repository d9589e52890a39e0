"""The process-wide vector indexes, built from settings on first use (and again after they change).

One per kind of vector: PROMPT (each prompt's text, the index /prompts/similar/ and the cache use)
and ANSWER (each answer's text, beside it for /search/). Same backend, same per-user structure,
same change log; the answer index lives in its own files, or its own pgvector column.
"""

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

PROMPT = "prompt"
ANSWER = "answer"
_lock = threading.Lock()
_indexes: dict[str, VectorIndex] = {}
_stores: dict[str, VectorStore] = {}

# A change to any of these builds a new index on next use (the embedder's name selects its files).
INDEX_SETTINGS = {"VECTOR_BACKEND", "VECTOR_BACKEND_OPTIONS", "DATA_DIR", "PROMPT_FORGE", *MODEL_SETTINGS}


def use_vector_store(store: VectorStore, *, kind: str = PROMPT) -> None:
    """Called once per kind by the package that stores the vectors (prompts, in its AppConfig.ready)."""
    _stores[kind] = store


def get_store(kind: str = PROMPT) -> VectorStore:
    store = _stores.get(kind)
    if store is None:
        raise ImproperlyConfigured(f"no {kind} vector store registered with search (prompts registers them)")
    return store


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _build(kind: str) -> VectorIndex:
    store = get_store(kind)
    backend = plugins.resolve("VECTOR_BACKENDS", settings.VECTOR_BACKEND)
    # Only vectors of the embedder in use are comparable with its queries; its dimension sizes the index.
    embedder = get_embedder()
    model_name = embedder.model_name
    directory = settings.DATA_DIR / "index" / settings.VECTOR_BACKEND / _slug(model_name)
    return backend(
        directory=directory if kind == PROMPT else directory / f"{kind}s",
        dimensions=int(embedder.dimensions),
        source=ChangeLogSource(store),
        model_name=model_name,
        **settings.VECTOR_BACKEND_OPTIONS.get(settings.VECTOR_BACKEND, {}),
    )


def get_index(kind: str = PROMPT) -> VectorIndex:
    index = _indexes.get(kind)
    if index is None:
        with _lock:
            index = _indexes.get(kind)
            if index is None:
                index = _indexes[kind] = _build(kind)
    return index


def all_indexes() -> list[VectorIndex]:
    """Every kind's index (built if need be), prompts first."""
    return [get_index(kind) for kind in _stores]


def _forget_index() -> None:
    """Drop the indexes; the next use builds them from the current settings (as a restart would)."""
    with _lock:
        _indexes.clear()


on_settings_change(INDEX_SETTINGS, _forget_index)


@atexit.register
def _flush_on_exit() -> None:
    # Snapshots are written every few changes; the rest is written when the process exits cleanly.
    for index in list(_indexes.values()):
        index.flush()
