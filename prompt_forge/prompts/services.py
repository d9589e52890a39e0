"""Writes to prompt history. Model calls happen outside any database transaction."""

import logging
import time
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from prompt_forge.ai.admission import generation_slots
from prompt_forge.ai.base import Generation, ModelError, SamplingParams
from prompt_forge.ai.deadline import generate_within
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


class PromptDeletedError(APIException):
    """The prompt was deleted (by its owner, elsewhere) while it was being answered: nothing is stored."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "the prompt was deleted while it was being answered"
    default_code = "prompt_deleted"


def _save_pending(*, user_id: int, text: str, send_via_websocket: bool, source: dict | None = None) -> Prompt:
    # Saved first, so a model failure never loses what the user submitted.
    with transaction.atomic():
        prompt = Prompt.objects.create(user_id=user_id, text=text, status=Prompt.Status.PENDING)
        PromptMetadata.objects.create(prompt=prompt, sent_via_websocket=send_via_websocket, extra_info=source)
    return prompt


def _extra_info(prompt: Prompt) -> dict:
    return PromptMetadata.objects.filter(prompt=prompt).values_list("extra_info", flat=True).first() or {}


def _mark_failed(prompt: Prompt, reason: str, *, partial_response: str = "") -> None:
    with transaction.atomic():
        info = _extra_info(prompt)
        Prompt.objects.filter(pk=prompt.pk).update(status=Prompt.Status.FAILED, response=partial_response)
        PromptMetadata.objects.filter(prompt=prompt).update(
            extra_info={**info, "status": Prompt.Status.FAILED, "error": reason}
        )


def fail_prompt(prompt: Prompt, exc: ModelError, *, partial_response: str = "") -> PromptFailedError:
    """Mark the prompt failed (keeping it and any partial answer); return the error to raise."""
    _mark_failed(prompt, str(exc), partial_response=partial_response)
    return PromptFailedError(prompt_id=prompt.pk, reason=str(exc), cause=exc)


def push_payload(prompt: Prompt, embedding_length: int, *, finish_reason: str | None = None) -> dict:
    payload = {
        "type": "prompt.done",
        "message": PUSH_MESSAGE,
        "id": prompt.pk,
        "prompt": prompt.text,
        "response": prompt.response,
        "embedding_length": embedding_length,
    }
    if finish_reason:
        payload["finish_reason"] = finish_reason
    return payload


def _embed(text: str):
    embedder = get_embedder()
    started = time.perf_counter()
    vector = embedder.embed([text])[0]
    return embedder, vector, round((time.perf_counter() - started) * 1000, 1)


def _generation_details(generation: Generation) -> dict:
    seconds = generation.duration_ms / 1000
    return {
        "generation": generation.params,
        "prompt_tokens": generation.prompt_tokens,
        "completion_tokens": generation.completion_tokens,
        "finish_reason": generation.finish_reason,
        "generation_ms": generation.duration_ms,
        "tokens_per_second": round(generation.completion_tokens / seconds, 1) if seconds else None,
    }


def _answer(
    *, user_id: int, text: str, vector: np.ndarray, use_cache: bool, conversation, params
) -> tuple[str, str, dict]:
    """(answer, model used, details): from the user's own semantic cache when allowed and close enough."""
    if use_cache:
        cached = selectors.semantic_cache_lookup(user_id=user_id, vector=vector)
        telemetry.cache_lookup(hit=cached.prompt is not None)
        if cached.prompt is not None:
            return cached.prompt.response, cached.prompt.metadata.model_used, {"cache": cached.as_info()}
    generation = generate_within(
        get_generator(), conversation or text, params=params, timeout_s=settings.GENERATION_TIMEOUT_S
    )
    details = _generation_details(generation)
    if use_cache:
        details["cache"] = cached.as_info()
    return generation.text, generation.model, details


def _store(prompt: Prompt, *, response: str, model_used: str, details: dict, embedded, send_via_websocket: bool):
    """Store the answer and embedding in one short transaction; index it, and push it on commit."""
    embedder, vector, embedding_ms = embedded
    user_id = prompt.user_id
    extra_info = {
        **_extra_info(prompt),
        "status": Prompt.Status.COMPLETED,
        **details,
        "embedding_model": embedder.model_name,
        "embedding_ms": embedding_ms,
    }
    with transaction.atomic():
        prompt.response = response
        prompt.status = Prompt.Status.COMPLETED
        if not Prompt.objects.filter(pk=prompt.pk).update(response=response, status=prompt.status):
            raise PromptDeletedError()
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
            payload = push_payload(prompt, int(vector.shape[0]), finish_reason=details.get("finish_reason"))
            transaction.on_commit(lambda: push_to_user(user_id, payload))
    return Prompt.objects.select_related("metadata", "embedding").get(pk=prompt.pk)


def complete_prompt(
    prompt: Prompt, generation: Generation, *, response: str | None = None, send_via_websocket: bool = False
) -> Prompt:
    """Embed and store a prompt answered by `generation` (a stream stores exactly the `response` it showed)."""
    response = generation.text if response is None else response
    try:
        embedded = _embed(prompt.text)
    except ModelError as exc:
        raise fail_prompt(prompt, exc, partial_response=response) from exc
    details = _generation_details(generation)
    return _store(
        prompt,
        response=response,
        model_used=generation.model,
        details=details,
        embedded=embedded,
        send_via_websocket=send_via_websocket,
    )


def prompt_create(
    *,
    user_id: int,
    text: str,
    send_via_websocket: bool = False,
    use_cache: bool = False,
    conversation: list[dict] | None = None,
    params: SamplingParams | None = None,
    source: dict | None = None,
) -> Prompt:
    """Answer `text` (or the `conversation` ending with it) with the model, or from the user's semantic
    cache; embed and store it, then notify. Raises GenerationBusyError, storing nothing, when this
    process already admits as many generations as it may."""
    with generation_slots.slot():
        prompt = _save_pending(user_id=user_id, text=text, send_via_websocket=send_via_websocket, source=source)
        try:
            embedded = _embed(text)
            response, model_used, details = _answer(
                user_id=user_id,
                text=text,
                vector=embedded[1],
                use_cache=use_cache,
                conversation=conversation,
                params=params,
            )
        except ModelError as exc:
            raise fail_prompt(prompt, exc) from exc
    return _store(
        prompt,
        response=response,
        model_used=model_used,
        details=details,
        embedded=embedded,
        send_via_websocket=send_via_websocket,
    )


class PromptNotRetriableError(Exception):
    """The prompt already has an answer, or another request is answering it right now."""


def prompt_retry(*, user_id: int, prompt_id: int) -> Prompt | None:
    """Answer again a prompt of this user whose generation failed (or was orphaned by a crash).

    None when the prompt does not exist or belongs to someone else.
    """
    prompt = selectors.prompt_get(user_id=user_id, prompt_id=prompt_id)
    if prompt is None:
        return None
    # A pending prompt older than any request could wait was left behind by a stopped process.
    orphaned_before = timezone.now() - timedelta(seconds=2 * max(settings.GENERATION_TIMEOUT_S, 60))
    retriable = Q(status=Prompt.Status.FAILED) | Q(status=Prompt.Status.PENDING, created_at__lt=orphaned_before)
    with generation_slots.slot():
        # Claim it atomically, so two simultaneous retries don't both run the model.
        claimed = Prompt.objects.filter(retriable, pk=prompt.pk, user_id=user_id).update(status=Prompt.Status.PENDING)
        if not claimed:
            raise PromptNotRetriableError(
                "prompt already has an answer"
                if prompt.status == Prompt.Status.COMPLETED
                else "prompt is being answered right now"
            )
        # The previous failure is history: a completed prompt shows no stale error.
        info = {k: v for k, v in _extra_info(prompt).items() if k not in ("status", "error")}
        PromptMetadata.objects.filter(prompt=prompt).update(extra_info=info or None)
        try:
            embedded = _embed(prompt.text)
            response, model_used, details = _answer(
                user_id=user_id, text=prompt.text, vector=embedded[1], use_cache=False, conversation=None, params=None
            )
        except ModelError as exc:
            raise fail_prompt(prompt, exc) from exc
    return _store(
        prompt,
        response=response,
        model_used=model_used,
        details=details,
        embedded=embedded,
        send_via_websocket=prompt.metadata.sent_via_websocket,
    )


def prompt_delete(*, user_id: int, prompt_id: int) -> bool:
    """Delete the user's own prompt; False when it does not exist or belongs to someone else."""
    if not 0 < prompt_id <= selectors.MAX_ID:
        return False
    with transaction.atomic():
        deleted, _ = Prompt.objects.filter(user_id=user_id, pk=prompt_id).delete()
        if deleted:
            journal.record(user_id=user_id, prompt_ids=[prompt_id], op=IndexChange.Op.REMOVE)
    return bool(deleted)
