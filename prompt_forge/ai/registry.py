"""Process-wide model instances: loaded once, lazily or at start, thread-safely."""

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Embedder, Generator
from .measured import MeasuredEmbedder, MeasuredGenerator

_lock = threading.Lock()
_instances: dict[str, object] = {}


def _backend_class(name: str):
    return import_string(settings.AI_BACKENDS.get(name, name))


def _build_generator() -> Generator:
    cls = _backend_class(settings.GENERATION_BACKEND)
    backend = cls(
        settings.GENERATION_MODEL,
        max_new_tokens=settings.GENERATION_MAX_NEW_TOKENS,
        cache_dir=settings.MODEL_CACHE_DIR,
        threads=settings.GENERATION_THREADS,
        quantize=settings.GENERATION_QUANTIZE,
        max_batch=settings.GENERATION_MAX_BATCH,
    )
    return MeasuredGenerator(backend)


def _build_embedder() -> Embedder:
    cls = _backend_class(settings.EMBEDDING_BACKEND)
    return MeasuredEmbedder(cls(settings.EMBEDDING_MODEL, precision=settings.EMBEDDING_PRECISION))


_BUILDERS = {"generator": _build_generator, "embedder": _build_embedder}


def _get(kind: str):
    instance = _instances.get(kind)
    if instance is None:
        with _lock:  # double-checked: two first requests must not load the model twice
            instance = _instances.get(kind)
            if instance is None:
                instance = _BUILDERS[kind]()
                _instances[kind] = instance
    return instance


def get_generator() -> Generator:
    return _get("generator")


def get_embedder() -> Embedder:
    return _get("embedder")


def loaded_models() -> dict[str, bool]:
    return {kind: kind in _instances for kind in _BUILDERS}


def reset_models() -> None:
    """Forget loaded models (tests that switch backends through settings)."""
    with _lock:
        _instances.clear()
