"""Process-wide model instances: loaded once, lazily or at start, thread-safely."""

import threading

from django.conf import settings

from prompt_forge.common.plugin_settings import on_settings_change
from prompt_forge.plugins import plugins

from .base import Embedder, Generator
from .measured import MeasuredEmbedder, MeasuredGenerator

_lock = threading.Lock()
_instances: dict[str, object] = {}

# A change to any of these loads the models again on next use (tests switch backends this way).
MODEL_SETTINGS = {
    "GENERATION_BACKEND",
    "GENERATION_MODEL",
    "GENERATION_MAX_NEW_TOKENS",
    "GENERATION_THREADS",
    "GENERATION_MAX_BATCH",
    "GENERATION_CACHE_GB",
    "GENERATION_PREFILL_CHUNK_TOKENS",
    "EMBEDDING_BACKEND",
    "EMBEDDING_MODEL",
    "EMBEDDING_PRECISION",
    "MODEL_CACHE_DIR",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_TIMEOUT_SECONDS",
    "OPENAI_MAX_RETRIES",
    "PROMPT_FORGE",
}


def _build_generator() -> Generator:
    cls = plugins.resolve("GENERATION_BACKENDS", settings.GENERATION_BACKEND)
    backend = cls(
        settings.GENERATION_MODEL,
        max_new_tokens=settings.GENERATION_MAX_NEW_TOKENS,
        cache_dir=settings.MODEL_CACHE_DIR,
        threads=settings.GENERATION_THREADS,
        max_batch=settings.GENERATION_MAX_BATCH,
        cache_gb=settings.GENERATION_CACHE_GB,
        prefill_chunk_tokens=settings.GENERATION_PREFILL_CHUNK_TOKENS,
    )
    return MeasuredGenerator(backend)


def _build_embedder() -> Embedder:
    cls = plugins.resolve("EMBEDDING_BACKENDS", settings.EMBEDDING_BACKEND)
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


def _forget_models() -> None:
    """Drop loaded models; the next use loads them from the current settings."""
    with _lock:
        _instances.clear()


on_settings_change(MODEL_SETTINGS, _forget_models)
