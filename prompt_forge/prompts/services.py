"""Writes to prompt history. Model calls happen outside any database transaction."""

import logging
import time

import numpy as np
from django.db import transaction

from prompt_forge.ai.base import ModelError
from prompt_forge.ai.registry import get_embedder, get_generator
from prompt_forge.common.exceptions import PromptFailedError
from prompt_forge.search.registry import get_index

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


def _index_new_prompt(*, user_id: int, prompt_id: int, vector: np.ndarray) -> None:
    index = get_index()
    try:
        index.add(user_id=user_id, ids=[prompt_id], vectors=vector.reshape(1, -1))
    except Exception:  # noqa: BLE001 - the database is the source of truth; reload on next use
        logger.exception("could not index prompt %s; the index will be rebuilt", prompt_id)
        index.forget(user_id=user_id)


def push_payload(prompt: Prompt, embedding_length: int) -> dict:
    return {
        "message": PUSH_MESSAGE,
        "id": prompt.pk,
        "prompt": prompt.text,
        "response": prompt.response,
        "embedding_length": embedding_length,
    }


def prompt_create(*, user_id: int, text: str, send_via_websocket: bool = False) -> Prompt:
    """Answer `text` with the language model, embed it, store all of it, then index and notify."""
    prompt = _save_pending(user_id=user_id, text=text, send_via_websocket=send_via_websocket)
    try:
        generation = get_generator().generate(text)
        embedder = get_embedder()
        started = time.perf_counter()
        vector = embedder.embed([text])[0]
        embedding_ms = round((time.perf_counter() - started) * 1000, 1)
    except ModelError as exc:
        _mark_failed(prompt, str(exc))
        raise PromptFailedError(prompt_id=prompt.pk, reason=str(exc)) from exc

    seconds = generation.duration_ms / 1000
    extra_info = {
        "status": Prompt.Status.COMPLETED,
        "generation": generation.params,
        "prompt_tokens": generation.prompt_tokens,
        "completion_tokens": generation.completion_tokens,
        "generation_ms": generation.duration_ms,
        "tokens_per_second": round(generation.completion_tokens / seconds, 1) if seconds else None,
        "embedding_model": embedder.model_name,
        "embedding_ms": embedding_ms,
    }
    with transaction.atomic():
        prompt.response = generation.text
        prompt.status = Prompt.Status.COMPLETED
        prompt.save(update_fields=["response", "status"])
        PromptEmbedding.objects.create(
            prompt=prompt,
            user_id=user_id,
            model_name=embedder.model_name,
            vector=PromptEmbedding.encode(vector),
        )
        PromptMetadata.objects.filter(prompt=prompt).update(model_used=generation.model, extra_info=extra_info)

        def after_commit() -> None:
            _index_new_prompt(user_id=user_id, prompt_id=prompt.pk, vector=vector)
            if send_via_websocket:
                push_to_user(user_id, push_payload(prompt, int(vector.shape[0])))

        transaction.on_commit(after_commit)
    return Prompt.objects.select_related("metadata", "embedding").get(pk=prompt.pk)


def prompt_delete(*, user_id: int, prompt_id: int) -> bool:
    """Delete the user's own prompt; False when it does not exist or belongs to someone else."""
    with transaction.atomic():
        deleted, _ = Prompt.objects.filter(user_id=user_id, pk=prompt_id).delete()
        if deleted:
            transaction.on_commit(lambda: get_index().remove(user_id=user_id, ids=[prompt_id]))
    return bool(deleted)
