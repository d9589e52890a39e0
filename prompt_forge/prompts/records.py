"""The database side of answering a prompt: save it pending, mark it failed, store its answer.

Each function is one short transaction; none runs a model. The answer pipeline (pipeline.py) calls
them in order; nothing else writes a prompt's answer.
"""

from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from prompt_forge.search import changes

from .conversations import turns
from .conversations.turns import Placement
from .models import Prompt, PromptEmbedding, PromptMetadata
from .notifications import push_to_user

PUSH_MESSAGE = "Prompt response ready"


class PromptNotRetriableError(Exception):
    """The prompt already has an answer, or another request is answering it right now."""


class PromptDeletedError(Exception):
    """The prompt was deleted (by its owner, elsewhere) while it was being answered: nothing is stored."""

    def __init__(self) -> None:
        super().__init__("the prompt was deleted while it was being answered")


def save_pending(
    *, user_id: int, text: str, send_via_websocket: bool, source: dict | None = None, placement: Placement | None = None
) -> Prompt:
    """Saved first, so a model failure never loses what the user submitted. The prompt is a turn of the
    placed conversation, or the first turn of a new one."""
    with transaction.atomic():
        prompt = turns.create_turn(user_id=user_id, text=text, placement=placement, status=Prompt.Status.PENDING)
        PromptMetadata.objects.create(prompt=prompt, sent_via_websocket=send_via_websocket, extra_info=source)
        changes.record_words(user_id, [prompt.pk], [changes.Document(text)])  # searchable while pending
    return prompt


def claim_for_retry(prompt: Prompt) -> Prompt:
    """Set a failed (or orphaned pending) prompt pending again, atomically, so two simultaneous retries
    don't both run the model; its previous failure is forgotten. Raises PromptNotRetriableError."""
    # A pending prompt older than any request could wait was left behind by a stopped process.
    orphaned_before = timezone.now() - timedelta(seconds=2 * max(settings.GENERATION_TIMEOUT_S, 60))
    retriable = Q(status=Prompt.Status.FAILED) | Q(status=Prompt.Status.PENDING, created_at__lt=orphaned_before)
    claimed = Prompt.objects.filter(retriable, pk=prompt.pk, user_id=prompt.user_id).update(
        status=Prompt.Status.PENDING
    )
    if not claimed:
        raise PromptNotRetriableError(
            "prompt already has an answer"
            if prompt.status == Prompt.Status.COMPLETED
            else "prompt is being answered right now"
        )
    # The previous failure is history: a completed prompt shows no stale error.
    info = {k: v for k, v in extra_info(prompt).items() if k not in ("status", "error")}
    PromptMetadata.objects.filter(prompt=prompt).update(extra_info=info or None)
    return prompt


def extra_info(prompt: Prompt) -> dict:
    return PromptMetadata.objects.filter(prompt=prompt).values_list("extra_info", flat=True).first() or {}


def mark_failed(prompt: Prompt, reason: str, *, partial_response: str = "") -> None:
    """Keep the prompt, and any part of the answer already shown, with status failed and the reason."""
    with transaction.atomic():
        info = extra_info(prompt)
        if Prompt.objects.filter(pk=prompt.pk).update(status=Prompt.Status.FAILED, response=partial_response):
            changes.record_words(prompt.user_id, [prompt.pk], [changes.Document(prompt.text, partial_response)])
        PromptMetadata.objects.filter(prompt=prompt).update(
            extra_info={**info, "status": Prompt.Status.FAILED, "error": reason}
        )


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


def store_answer(
    prompt: Prompt,
    *,
    response: str,
    model_used: str,
    details: dict,
    embedding_model: str,
    vector: np.ndarray,
    send_via_websocket: bool,
    answer_vector: np.ndarray | None = None,
) -> Prompt:
    """Store the answer and embedding in one short transaction; index it, and push it on commit.

    `details` (generation figures, cache outcome, embedding model and time) land in extra_info."""
    user_id = prompt.user_id
    info = {**extra_info(prompt), "status": Prompt.Status.COMPLETED, **details}
    with transaction.atomic():
        prompt.response = response
        prompt.status = Prompt.Status.COMPLETED
        if not Prompt.objects.filter(pk=prompt.pk).update(response=response, status=prompt.status):
            raise PromptDeletedError()
        PromptEmbedding.objects.create(
            prompt=prompt,
            user_id=user_id,
            model_name=embedding_model,
            vector=PromptEmbedding.encode(vector),
            answer_vector=PromptEmbedding.encode_optional(answer_vector),
        )
        PromptMetadata.objects.filter(prompt=prompt).update(model_used=model_used, extra_info=info)
        changes.record_upserts(
            user_id,
            [prompt.pk],
            vector.reshape(1, -1),
            answer_vectors=[answer_vector],
            documents=[changes.Document(prompt.text, response)],
        )
        turns.answered(prompt)  # after a conversation's first answer, the model names it
        if send_via_websocket:
            payload = push_payload(prompt, int(vector.shape[0]), finish_reason=details.get("finish_reason"))
            transaction.on_commit(lambda: push_to_user(user_id, payload))
    return Prompt.objects.select_related("metadata", "embedding", "feedback").get(pk=prompt.pk)
