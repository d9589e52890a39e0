"""Load the models in a background thread when the server starts, so the first user doesn't wait."""

import logging
import threading

from django.conf import settings

from .registry import get_embedder, get_generator

logger = logging.getLogger(__name__)


def _warm() -> None:
    for load in (get_embedder, get_generator):
        try:
            load()
        except Exception:  # noqa: BLE001 - /readyz reports it; requests will answer 503
            logger.exception("model warm-up failed")


def start_background_warmup() -> threading.Thread | None:
    if not settings.AI_PRELOAD:
        return None
    thread = threading.Thread(target=_warm, name="model-warmup", daemon=True)
    thread.start()
    return thread
