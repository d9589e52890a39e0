"""Writes to prompt history. Model calls happen outside any database transaction."""

import logging
import time

import numpy as np
from django.db import transaction

from prompt_forge.ai.base import ModelError
from prompt_forge.ai.registry import get_embedder, get_generator
from prompt_forge.common.exceptions import PromptFailedError
from prompt_forge.search import journal, telemetry
from prompt_forge.search.models import IndexChange
from prompt_forge.search.registry import get_index

from . import selectors
from .models import Prompt, PromptEmbedding, PromptMetadata
from .notifications import push_to_user

logger = logging.getLogger(__name__)

PUSH_MESSAGE = "Prompt response ready"


def _save_pending(*, user_id: int, text: str, send_via_websocket: bool) -> Prompt:
    # Saved first, so a model failure never loses what the user submitted.
    with transaction.atomic():
        prompt = Prompt.objects.create(user_id=user_id, text=text, status=Prompt.Status.PENDING)
        PromptMetadata.objects.create(prompt=prompt, sent_via_websocket=send_via_websocket)
    return prompt


def _mark_failed(prompt: Prompt, reason: str) -> None:
    with transaction.atomic():
        Prompt.objects.filter(pk=prompt.pk).update(status=Prompt.Status.FAILED)
        PromptMetadata.objects.filter(prompt=prompt).update(
            extra_info={"status": Prompt.Status.FAILED, "error": reason}
        )


def push_payload(prompt: Prompt, embedding_length: int) -> dict:
    return {
        "message": PUSH_MESSAGE,
        "id": prompt.pk,
        "prompt": prompt.text,
        "response": prompt.response,
        "embedding_length": embedding_length,
    }


def _answer(*, user_id: int, text: str, vector: np.ndarray, use_cache: bool) -> tuple[str, str, dict]:
    """(answer, model used, details): from the user's own semantic cache when allowed and close enough."""
    if use_cache:
        cached = selectors.semantic_cache_lookup(user_id=user_id, vector=vector)
        telemetry.cache_lookup(hit=cached.prompt is not None)
        if cached.prompt is not None:
            return cached.prompt.response, cached.prompt.metadata.model_used, {"cache": cached.as_info()}
    generation = get_generator().generate(text)
    seconds = generation.duration_ms / 1000
    details = {
        "generation": generation.params,
        "prompt_tokens": generation.prompt_tokens,
        "completion_tokens": generation.completion_tokens,
        "generation_ms": generation.duration_ms,
        "tokens_per_second": round(generation.completion_tokens / seconds, 1) if seconds else None,
    }
    if use_cache:
        details["cache"] = cached.as_info()
    return generation.text, generation.model, details


def prompt_create(*, user_id: int, text: str, send_via_websocket: bool = False, use_cache: bool = False) -> Prompt:
    """Answer `text` (with the model, or from the user's semantic cache), embed and store it, then notify."""
    prompt = _save_pending(user_id=user_id, text=text, send_via_websocket=send_via_websocket)
    try:
        embedder = get_embedder()
        started = time.perf_counter()
        vector = embedder.embed([text])[0]
        embedding_ms = round((time.perf_counter() - started) * 1000, 1)
        response, model_used, details = _answer(user_id=user_id, text=text, vector=vector, use_cache=use_cache)
    except ModelError as exc:
        _mark_failed(prompt, str(exc))
        raise PromptFailedError(prompt_id=prompt.pk, reason=str(exc)) from exc

    extra_info = {
        "status": Prompt.Status.COMPLETED,
        **details,
        "embedding_model": embedder.model_name,
        "embedding_ms": embedding_ms,
    }
    with transaction.atomic():
        prompt.response = response
        prompt.status = Prompt.Status.COMPLETED
        prompt.save(update_fields=["response", "status"])
        PromptEmbedding.objects.create(
            prompt=prompt,
            user_id=user_id,
            model_name=embedder.model_name,
            vector=PromptEmbedding.encode(vector),
        )
        PromptMetadata.objects.filter(prompt=prompt).update(model_used=model_used, extra_info=extra_info)
        # Every process's search index catches up from this log entry; the backend may store the vector too.
        journal.record(user_id=user_id, prompt_ids=[prompt.pk], op=IndexChange.Op.UPSERT)
        get_index().write(user_id=user_id, ids=[prompt.pk], vectors=vector.reshape(1, -1))

        if send_via_websocket:
            payload = push_payload(prompt, int(vector.shape[0]))
            transaction.on_commit(lambda: push_to_user(user_id, payload))
    return Prompt.objects.select_related("metadata", "embedding").get(pk=prompt.pk)


def prompt_delete(*, user_id: int, prompt_id: int) -> bool:
    """Delete the user's own prompt; False when it does not exist or belongs to someone else."""
    with transaction.atomic():
        deleted, _ = Prompt.objects.filter(user_id=user_id, pk=prompt_id).delete()
        if deleted:
            journal.record(user_id=user_id, prompt_ids=[prompt_id], op=IndexChange.Op.REMOVE)
    return bool(deleted)
