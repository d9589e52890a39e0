"""The models this server answers with: the MODELS setting, read once and checked.

MODELS is a list of models (JSON in the environment, or the path of a .json or .toml file holding it;
in Django settings a list of dicts works too). Each model:

    {"name": "local", "backend": "openvino", "model": "HuggingFaceTB/SmolLM2-135M-Instruct"}
    {"name": "llama", "backend": "openai", "model": "llama3.2", "base_url": "http://ollama:11434/v1",
     "api_key_env": "OLLAMA_KEY", "fallbacks": ["local"], "context_length": 8192, "timeout_s": 30}

`name` is how clients pick it (`model` in /v1, POST /prompts/, a conversation); `backend` a
GENERATION_BACKENDS name or a dotted path (whatever backends the plugin table lists); `model` the
backend's own model id (default: the name). The first model is the default. Without MODELS, today's
single-model variables (GENERATION_BACKEND, GENERATION_MODEL, OPENAI_*) make a one-entry list named
GENERATION_MODEL. A remote model whose server fails is retried on its `fallbacks`, in order.
"""

import json
import os
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from prompt_forge.common.plugin_settings import on_settings_change

FIELDS = {"name", "backend", "model", "base_url", "api_key_env", "fallbacks", "context_length", "timeout_s"}


class UnknownModelError(Exception):
    """A request named a model this server does not serve; the message lists the ones it does."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown model {name!r}; this server serves: {', '.join(known)}")
        self.name = name
        self.known = known


@dataclass(frozen=True)
class ModelSpec:
    name: str
    backend: str
    model: str
    base_url: str | None = None
    api_key_env: str | None = None  # the environment variable holding the server's key (never the key)
    fallbacks: tuple[str, ...] = ()
    context_length: int | None = None
    timeout_s: float | None = None

    @property
    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None


_lock = threading.Lock()
_catalog: dict[str, ModelSpec] | None = None


def models() -> list[ModelSpec]:
    """Every configured model, the default first."""
    return list(_load().values())


def default_model() -> ModelSpec:
    return models()[0]


def model_names() -> list[str]:
    return list(_load())


def resolve(name: str | None) -> ModelSpec:
    """The model called `name` (None: the default); UnknownModelError for a name not configured."""
    catalog = _load()
    if name is None:
        return next(iter(catalog.values()))
    if name not in catalog:
        raise UnknownModelError(name, list(catalog))
    return catalog[name]


def configured(name: str | None) -> str | None:
    """`name` when it is a configured model, else None (the default): for names stored earlier (a
    conversation's model, a prompt's) that the configuration may have dropped since."""
    return name if name and name in _load() else None


def route(name: str | None) -> list[ModelSpec]:
    """The model, then its fallbacks in order (each once): what the pipeline tries."""
    first = resolve(name)
    chain = [first]
    for fallback in first.fallbacks:
        spec = resolve(fallback)
        if spec not in chain:
            chain.append(spec)
    return chain


def _load() -> dict[str, ModelSpec]:
    global _catalog
    if _catalog is None:
        with _lock:
            if _catalog is None:
                _catalog = parse_models(settings.MODELS)
    return _catalog


def _single_model() -> list[dict]:
    """Today's single-model variables as a one-entry list."""
    entry = {"name": settings.GENERATION_MODEL, "backend": settings.GENERATION_BACKEND}
    return [entry]


def _read(raw) -> list:
    if not raw:
        return _single_model()
    if isinstance(raw, list | tuple):
        return list(raw)
    text = str(raw).strip()
    if text.startswith(("[", "{")):
        data = json.loads(text)
    else:
        path = Path(text)
        if not path.is_file():
            raise ImproperlyConfigured(f"MODELS: {text!r} is neither JSON nor the path of a file")
        content = path.read_text(encoding="utf-8")
        data = tomllib.loads(content) if path.suffix == ".toml" else json.loads(content)
    # A TOML file holds [[models]] tables; JSON may be the list itself or {"models": [...]}.
    return data.get("models", []) if isinstance(data, dict) else data


def parse_models(raw) -> dict[str, ModelSpec]:
    """The catalog from the MODELS setting's value; ImproperlyConfigured naming what is wrong."""
    try:
        entries = _read(raw)
    except (ValueError, OSError) as exc:
        raise ImproperlyConfigured(f"MODELS could not be read: {exc}") from exc
    if not isinstance(entries, list) or not entries:
        raise ImproperlyConfigured("MODELS must be a non-empty list of models")
    catalog: dict[str, ModelSpec] = {}
    for index, entry in enumerate(entries):
        spec = _spec(index, entry)
        if spec.name in catalog:
            raise ImproperlyConfigured(f"MODELS: the name {spec.name!r} is used twice")
        catalog[spec.name] = spec
    for spec in catalog.values():
        for fallback in spec.fallbacks:
            if fallback not in catalog or fallback == spec.name:
                raise ImproperlyConfigured(f"MODELS: {spec.name!r} falls back to unknown model {fallback!r}")
    return catalog


def _spec(index: int, entry) -> ModelSpec:
    where = f"MODELS[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ImproperlyConfigured(f"{where} needs a non-empty string name")
    unknown = set(entry) - FIELDS
    if unknown:
        raise ImproperlyConfigured(f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    fallbacks = entry.get("fallbacks", [])
    if not isinstance(fallbacks, list) or not all(isinstance(name, str) for name in fallbacks):
        raise ImproperlyConfigured(f"{where}: fallbacks must be a list of model names")
    context_length = entry.get("context_length")
    if context_length is not None and (not isinstance(context_length, int) or context_length < 16):
        raise ImproperlyConfigured(f"{where}: context_length must be an integer of at least 16")
    return ModelSpec(
        name=entry["name"],
        backend=str(entry.get("backend") or settings.GENERATION_BACKEND),
        model=str(entry.get("model") or entry["name"]),
        base_url=entry.get("base_url") or None,
        api_key_env=entry.get("api_key_env") or None,
        fallbacks=tuple(fallbacks),
        context_length=context_length,
        timeout_s=float(entry["timeout_s"]) if entry.get("timeout_s") is not None else None,
    )


def _forget() -> None:
    global _catalog
    with _lock:
        _catalog = None


on_settings_change({"MODELS", "GENERATION_BACKEND", "GENERATION_MODEL"}, _forget)
