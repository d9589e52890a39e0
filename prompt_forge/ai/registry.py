"""Process-wide model instances: loaded once, lazily or at start, thread-safely; one generator per
model of the catalog (catalog.py, the MODELS setting), built by the backend class it names."""

import threading

from django.conf import settings

from prompt_forge.common.plugin_settings import on_settings_change
from prompt_forge.plugins import plugins

from . import catalog
from .base import Embedder, Generator
from .catalog import ModelSpec
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
    "MODELS",
}


def _build_generator(spec: ModelSpec) -> Generator:
    """The backend the catalog names (looked up in the plugin table, whatever class it is)."""
    cls = plugins.resolve("GENERATION_BACKENDS", spec.backend)
    remote = {"base_url": spec.base_url, "api_key": spec.api_key, "timeout": spec.timeout_s}
    backend = cls(
        spec.model,
        max_new_tokens=settings.GENERATION_MAX_NEW_TOKENS,
        cache_dir=settings.MODEL_CACHE_DIR,
        threads=settings.GENERATION_THREADS,
        max_batch=settings.GENERATION_MAX_BATCH,
        cache_gb=settings.GENERATION_CACHE_GB,
        prefill_chunk_tokens=settings.GENERATION_PREFILL_CHUNK_TOKENS,
        **{option: value for option, value in remote.items() if value is not None},
    )
    if spec.context_length is not None:
        # A remote server's context is whatever it is configured with; a local model's is its own at most.
        own = getattr(backend, "context_length", spec.context_length)
        backend.context_length = spec.context_length if spec.base_url else min(own, spec.context_length)
    return MeasuredGenerator(backend)


def _build_embedder() -> Embedder:
    cls = plugins.resolve("EMBEDDING_BACKENDS", settings.EMBEDDING_BACKEND)
    return MeasuredEmbedder(cls(settings.EMBEDDING_MODEL, precision=settings.EMBEDDING_PRECISION))


def _get(key: str, build):
    instance = _instances.get(key)
    if instance is None:
        with _lock:  # double-checked: two first requests must not load the model twice
            instance = _instances.get(key)
            if instance is None:
                instance = build()
                _instances[key] = instance
    return instance


def get_generator(name: str | None = None) -> Generator:
    """The generator of the catalog's model `name` (None: the default model); UnknownModelError else."""
    spec = catalog.resolve(name)
    return _get(f"generator:{spec.name}", lambda: _build_generator(spec))


def get_embedder() -> Embedder:
    return _get("embedder", _build_embedder)


def loaded_models() -> dict[str, bool]:
    """Whether the default generator and the embedder are loaded (what readiness waits for)."""
    default = f"generator:{catalog.default_model().name}"
    return {"generator": default in _instances, "embedder": "embedder" in _instances}


def _forget_models() -> None:
    """Drop loaded models; the next use loads them from the current settings."""
    with _lock:
        _instances.clear()


on_settings_change(MODEL_SETTINGS, _forget_models)
