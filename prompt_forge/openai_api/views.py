"""/v1 endpoints: async views (server-sent events stream from an async iterator under ASGI).

Authentication is the same as the rest of the API (accounts/authentication.py): `Authorization: Bearer`
with an access token or an API key (which needs the `v1` scope).
Every chat completion is stored in the caller's history like any prompt.
"""

import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from prompt_forge.accounts.authentication import authenticate_request
from prompt_forge.accounts.scopes import V1, MissingScopeError, require_scope
from prompt_forge.ai import catalog
from prompt_forge.ai.admission import GenerationBusyError, PromptTooLongError
from prompt_forge.common.thread_bridge import stream_in_thread
from prompt_forge.prompt_templates.errors import TemplateNotFoundError
from prompt_forge.prompts.conversations import chat as chat_turns
from prompt_forge.prompts.conversations.chat import ChatTurn
from prompt_forge.prompts.conversations.errors import ConversationNotFoundError
from prompt_forge.prompts.errors import InvalidRequestError, PromptDeletedError, PromptFailedError
from prompt_forge.prompts.pipeline import StreamDelta, StreamDone, StreamStarted
from prompt_forge.prompts.services import prompt_create, prompt_stream
from prompt_forge.prompts.throttles import prompt_throttle_wait
from prompt_forge.usage.ledger import QuotaUnavailableError
from prompt_forge.usage.quota import QuotaExceededError

from . import responses
from .errors import OpenAIError, throttled, unauthorized
from .requests import ChatRequest, parse_chat_request, with_template

_authenticate = sync_to_async(authenticate_request)


def _method_not_allowed(allowed: str) -> JsonResponse:
    return OpenAIError(405, f"use {allowed}").response()


@csrf_exempt  # bearer tokens, no cookies: nothing for CSRF to protect
async def models(request):
    if request.method != "GET":
        return _method_not_allowed("GET")
    if (identity := await _authenticate(request)) is None:
        return unauthorized().response()
    request.user = identity.user  # for the request log
    try:
        require_scope(identity, V1)
    except MissingScopeError as exc:
        return OpenAIError.from_exception(exc).response()
    return JsonResponse(responses.model_list(catalog.model_names()))


@csrf_exempt
async def chat_completions(request):
    if request.method != "POST":
        return _method_not_allowed("POST")
    identity = await _authenticate(request)
    try:
        if identity is None:
            raise unauthorized()
        user = request.user = identity.user  # request.user: for the request log
        require_scope(identity, V1)
        chat = parse_chat_request(request.body, served_models=catalog.model_names())
        wait = await sync_to_async(prompt_throttle_wait)(user)
        if wait is not None:
            raise throttled(wait)
        chat, turn = await sync_to_async(_attach)(user.pk, chat, request.body)
        if chat.stream:
            return await _stream_response(user.pk, chat, turn, key_id=identity.key_id)
        prompt = await sync_to_async(prompt_create)(
            user_id=user.pk,
            text=chat.text,
            conversation=turn.messages,
            params=chat.params,
            source=turn.source,
            placement=turn.placement,
            template=chat.template,
            model=chat.model,
            key_id=identity.key_id,
        )
    except OpenAIError as exc:
        return exc.response()
    except (
        GenerationBusyError,
        PromptTooLongError,
        PromptFailedError,
        PromptDeletedError,
        ConversationNotFoundError,
        TemplateNotFoundError,
        InvalidRequestError,
        MissingScopeError,
        QuotaExceededError,
        QuotaUnavailableError,
    ) as exc:
        return OpenAIError.from_exception(exc).response()
    # An extension field: the conversation the turn was stored in (OpenAI's clients ignore it).
    return JsonResponse({**responses.chat_completion(prompt, model=chat.model), "conversation": prompt.conversation_id})


def _attach(user_id: int, chat: ChatRequest, raw_body: bytes) -> tuple[ChatRequest, ChatTurn]:
    """The request with its template (if any) rendered, and where the turn goes in the caller's
    conversations (see prompts/conversations/chat.py)."""
    chat = with_template(chat, user_id=user_id)
    where = chat_turns.extension(raw_body)
    turn = chat_turns.attach(user_id=user_id, messages=chat.messages, text=chat.text, where=where, params=chat.params)
    return chat, turn


async def _stream_response(user_id: int, chat: ChatRequest, turn: ChatTurn, *, key_id: int | None):
    events = stream_in_thread(
        lambda: prompt_stream(
            user_id=user_id,
            text=chat.text,
            conversation=turn.messages,
            params=chat.params,
            source=turn.source,
            placement=turn.placement,
            template=chat.template,
            model=chat.model,
            key_id=key_id,
        )
    )
    # The first event is awaited before answering, so a full server still gets a real 503 status.
    first = await anext(events)
    response = StreamingHttpResponse(_sse(first, events, chat), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies must not buffer the stream
    return response


async def _sse(first: StreamStarted, events: AsyncIterator, chat: ChatRequest) -> AsyncIterator[str]:
    prompt_id, created, model = first.prompt.pk, int(time.time()), chat.model
    yield responses.sse(
        responses.chunk(prompt_id, model=model, created=created, delta={"role": "assistant", "content": ""})
    )
    try:
        async for event in events:
            if isinstance(event, StreamDelta):
                delta = {"content": event.text}
                yield responses.sse(responses.chunk(prompt_id, model=model, created=created, delta=delta))
            elif isinstance(event, StreamDone):
                generation = event.generation
                yield responses.sse(
                    responses.chunk(
                        prompt_id, model=model, created=created, delta={}, finish_reason=generation.finish_reason
                    )
                )
                if chat.include_usage:
                    yield responses.sse(
                        responses.usage_chunk(
                            prompt_id,
                            model=model,
                            created=created,
                            prompt_tokens=generation.prompt_tokens,
                            completion_tokens=generation.completion_tokens,
                        )
                    )
    except (PromptFailedError, PromptDeletedError) as exc:
        # Headers are gone already: OpenAI's clients raise on an error event in the stream.
        yield responses.sse(OpenAIError.from_exception(exc).body)
        return
    yield responses.sse("[DONE]")
