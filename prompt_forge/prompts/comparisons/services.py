"""Comparisons: the same input answered by several models or template versions, side by side.

Each answer is a new sibling of the compared turn (same conversation, same parent), answered by the
one pipeline (so each takes a generation slot like any prompt), tagged in extra_info.comparison with
the comparison's id. At most COMPARE_CONCURRENCY answers are generated at once. The conversation
keeps showing the path it showed before.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections

from prompt_forge.ai import catalog
from prompt_forge.prompt_templates import rendering
from prompt_forge.prompt_templates import selectors as templates
from prompt_forge.prompt_templates.errors import InvalidTemplateError

from .. import selectors
from ..conversations import selectors as conversations
from ..conversations import services as turns
from ..conversations.models import Conversation
from ..inputs import InvalidRequestError, TemplateUse, parse_model
from ..models import Prompt
from .inputs import CompareRequest


@dataclass(frozen=True)
class Variant:
    model: str
    text: str
    template: TemplateUse | None


@dataclass(frozen=True)
class Comparison:
    id: str
    source: Prompt
    answers: list[Prompt]


def _default_model(source: Prompt) -> str:
    """The model the compared turn asked for (or its conversation's, or the default), by name."""
    info = (source.metadata.extra_info or {}) if hasattr(source, "metadata") else {}
    return catalog.resolve(catalog.configured(info.get("model"))).name


def _source_template(source: Prompt) -> dict | None:
    info = (source.metadata.extra_info or {}) if hasattr(source, "metadata") else {}
    return info.get("template")


def _variants(*, user_id: int, source: Prompt, request: CompareRequest) -> list[Variant]:
    models = [parse_model(name) for name in request.models] or [_default_model(source)]
    ran = _source_template(source)
    if not request.template_versions:
        use = TemplateUse(ran["name"], ran["version"], ran.get("label"), ran["variables"]) if ran else None
        return [Variant(model, source.text, use) for model in models]
    if ran is None:
        raise InvalidRequestError("template_versions needs a prompt that ran a template", "template_versions")
    variants = []
    for number in request.template_versions:
        version = templates.resolve(user_id=user_id, name=ran["name"], version=number)
        try:
            text = rendering.render(version.content, ran["variables"])
        except InvalidTemplateError as exc:
            raise InvalidRequestError(f"version {number}: {exc}", "template_versions") from exc
        use = TemplateUse(ran["name"], number, None, ran["variables"], system=version.system, params=version.params)
        variants.extend(Variant(model, text, use) for model in models)
    return variants


def _answer(*, user_id: int, source: Prompt, variant: Variant, request: CompareRequest, tag: dict) -> Prompt:
    return turns.turn_create(
        user_id=user_id,
        text=variant.text,
        conversation_id=source.conversation_id,
        parent_id=source.parent_id,
        params=request.params,
        template=variant.template,
        model=variant.model,
        tags={"comparison": {**tag, "model": variant.model}},
    )


def _in_thread(function, **kwargs) -> Prompt:
    close_old_connections()
    try:
        return function(**kwargs)
    finally:
        connections.close_all()  # this worker thread's own connections


def compare(*, user_id: int, prompt_id: int, request: CompareRequest) -> Comparison | None:
    """Answer the user's prompt again with each variant; None when the prompt is not theirs."""
    source = selectors.prompt_get(user_id=user_id, prompt_id=prompt_id)
    if source is None or source.conversation_id is None:
        return None
    variants = _variants(user_id=user_id, source=source, request=request)
    active = Conversation.objects.filter(pk=source.conversation_id).values_list("active_turn_id", flat=True).first()
    tag = {"id": uuid.uuid4().hex, "source": source.pk}
    jobs = [{"user_id": user_id, "source": source, "variant": v, "request": request, "tag": tag} for v in variants]
    workers = min(settings.COMPARE_CONCURRENCY, len(jobs))
    try:
        if workers <= 1:
            answers = [_answer(**job) for job in jobs]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="compare") as pool:
                futures = [pool.submit(_in_thread, _answer, **job) for job in jobs]
                answers = [future.result() for future in futures]
    finally:
        conversation = conversations.conversation_get(user_id=user_id, conversation_id=source.conversation_id)
        if conversation is not None and active is not None:
            turns.conversation_update(conversation, changes={"active_turn": active})  # the path shown stays
    return Comparison(tag["id"], source, [selectors.prompt_get(user_id=user_id, prompt_id=a.pk) for a in answers])
