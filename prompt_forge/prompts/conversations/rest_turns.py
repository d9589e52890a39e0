"""POST /prompts/ with "conversation" and/or "parent": the seed's endpoint continuing a conversation."""

from rest_framework import status
from rest_framework.response import Response

from prompt_forge.accounts.scopes import key_id_of
from prompt_forge.ai import catalog

from .. import socket_stream
from ..serializers import PromptSerializer
from . import services
from .placement import ACTIVE_LEAF, prepare


def names_conversation(data) -> bool:
    return isinstance(data, dict) and (data.get("conversation") is not None or "parent" in data)


def create_from_prompts_request(request, *, body, stream: bool) -> Response:
    data = request.data
    where = {"conversation_id": data.get("conversation"), "parent_id": data.get("parent", ACTIVE_LEAF)}
    if stream:
        prepared = prepare(
            user_id=request.user.pk,
            text=body.text,
            params=body.params,
            system=_system(body.template),
            model=body.model,
            **where,
        )
        prompt = socket_stream.prompt_stream_to_user(
            user_id=request.user.pk,
            text=body.text,
            params=body.params,
            placement=prepared.placement,
            conversation=prepared.messages,
            source=prepared.source,
            template=body.template,
            model=body.model or catalog.configured(prepared.conversation.model),
            key_id=key_id_of(request.auth),
        )
    else:
        prompt = services.turn_create(
            user_id=request.user.pk,
            text=body.text,
            use_cache=body.use_cache,
            send_via_websocket=body.send_via_websocket,
            params=body.params,
            template=body.template,
            model=body.model,
            key_id=key_id_of(request.auth),
            **where,
        )
    return Response(PromptSerializer(prompt).data, status=status.HTTP_201_CREATED)


def _system(template) -> str | None:
    return template.system or None if template is not None else None


def socket_turn_options(*, user_id: int, message: dict, text: str, params, template=None, model=None) -> dict:
    """A WebSocket prompt's "conversation"/"parent": the pipeline options of that turn ({} for a new one,
    answered by `model`, else the default)."""
    if not names_conversation(message):
        return {"model": model}
    prepared = prepare(
        user_id=user_id,
        text=text,
        conversation_id=message.get("conversation"),
        parent_id=message.get("parent", ACTIVE_LEAF),
        params=params,
        system=_system(template),
        model=model,
    )
    return {
        "placement": prepared.placement,
        "conversation": prepared.messages,
        "source": prepared.source,
        "model": model or catalog.configured(prepared.conversation.model),
    }
