"""Load the models in background threads when the server starts, so the first user doesn't wait.

The embedder and the generator load side by side: the generation pipeline is built (the GGUF file
read, compiled) in the engine process, while the embedder's imports run in this one, so a cached start
takes the longer of the two rather than their sum.
"""

import logging
import threading

from django.conf import settings

from .registry import get_embedder, get_generator

logger = logging.getLogger(__name__)


def _load(load) -> None:
    try:
        load()
    except Exception:  # noqa: BLE001 - /readyz reports it; requests will answer 503
        logger.exception("model warm-up failed")


def start_background_warmup() -> list[threading.Thread]:
    if not settings.AI_PRELOAD:
        return []
    threads = [
        threading.Thread(target=_load, args=(load,), name=f"model-warmup-{name}", daemon=True)
        for name, load in (("generator", get_generator), ("embedder", get_embedder))
    ]
    for thread in threads:
        thread.start()
    return threads
