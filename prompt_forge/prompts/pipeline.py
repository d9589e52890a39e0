"""The answer pipeline: every prompt is answered here, whatever the surface (REST, WebSocket, /v1, retry).

One order for all of them:

    save pending (or claim a failed prompt for retry)
      -> embed and look up the user's semantic cache (only when asked to use it)
      -> generate (within GENERATION_TIMEOUT_S) or stream the answer
      -> embed (unless already done for the cache lookup)
      -> store answer + embedding, record the change for search, push to the user's sockets on commit

The prompt's tokens are counted first (a prompt over its budget is refused), then the request's
tokens are reserved in its user's and API key's budgets (usage/quota.py: 429 when one is spent) and
settled to what was used after generation, and the generation slot (admission.py) is held from the
save to the end of generation, here and nowhere else: a refused request stores nothing. Streaming
and non-streaming differ only in how pieces leave:
a stream yields each piece as the model decodes it, otherwise the whole answer is one piece. Closing
the event iterator early (client gone) cancels generation and keeps the prompt, marked failed, with
the part of the answer already sent.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from prompt_forge.ai import catalog
from prompt_forge.ai.admission import GenerationBusyError, check_prompt_tokens, generation_slots
from prompt_forge.ai.base import Generation, ModelError, SamplingParams
from prompt_forge.ai.deadline import generate_within
from prompt_forge.ai.registry import get_embedder, get_generator
from prompt_forge.search import telemetry
from prompt_forge.usage import quota

from . import records, selectors
from .conversations.turns import Placement
from .errors import PromptFailedError
from .inputs import TemplateUse
from .models import Prompt
from .turn_vectors import embed_turns

CANCELLED_REASON = "cancelled: the client went away before the answer was complete"


@dataclass(frozen=True)
class AnswerRequest:
    """What to answer, for whom, and how. New options (conversation ids, model names...) go here."""

    user_id: int
    text: str
    send_via_websocket: bool = False
    use_cache: bool = False  # answer from the user's own semantic cache when a close earlier prompt exists
    conversation: list[dict] | None = None  # the chat ending with `text`, sent to the model instead of it
    params: SamplingParams | None = None
    source: dict | None = None  # recorded in the prompt's extra_info, e.g. {"source": "websocket"}
    placement: Placement | None = None  # the conversation and parent turn (None: a new conversation)
    template: TemplateUse | None = None  # the prompt is a run of this template (recorded with the turn)
    tags: dict | None = None  # recorded in extra_info too, e.g. {"comparison": "<id>"}
    model: str | None = None  # a model of the catalog (ai/catalog.py) by name; None: the default model
    key_id: int | None = None  # the API key the request was made with (recorded; usage is counted per key)


@dataclass(frozen=True)
class StreamStarted:
    prompt: Prompt


@dataclass(frozen=True)
class StreamDelta:
    prompt_id: int
    text: str


@dataclass(frozen=True)
class StreamDone:
    prompt: Prompt
    generation: Generation


StreamEvent = StreamStarted | StreamDelta | StreamDone


@dataclass(frozen=True)
class _Embedded:
    model_name: str
    vector: np.ndarray
    ms: float
    answer_vector: np.ndarray | None = None


def answer(request: AnswerRequest, *, stream: bool, retry: Prompt | None = None) -> Iterator[StreamEvent]:
    """Yield StreamStarted, a StreamDelta per piece of answer, then StreamDone with the stored prompt.

    Raises PromptTooLongError (nothing stored) when the prompt is over its token budget,
    QuotaExceededError (nothing stored) when a token budget of the user or their API key is spent,
    GenerationBusyError (nothing stored) before StreamStarted when the process is full,
    PromptNotRetriableError when `retry` cannot be claimed, and PromptFailedError (prompt kept,
    status failed, with the part of the answer already shown) when a model fails.
    """
    chain = catalog.route(request.model)  # the model, then its fallbacks
    prompt_tokens = _check_prompt_tokens(chain[0].name, request)
    max_new = (request.params.max_new_tokens if request.params else None) or settings.GENERATION_MAX_NEW_TOKENS
    with (
        quota.reserve(
            user_id=request.user_id, key_id=request.key_id, tokens=prompt_tokens + max_new, model=chain[0].name
        ) as spending,
        generation_slots.slot(chain[0].name),
    ):
        prompt = records.claim_for_retry(retry) if retry is not None else _save(request)
        pieces: list[str] = []
        embedded = None
        try:
            yield StreamStarted(prompt)
            if request.use_cache:
                embedded = _embed(request.text)
                generation, details = _from_cache(request.user_id, embedded.vector)
                if generation is not None:
                    spending.settle(tokens=0, outcome="cache_hit")  # a cache hit costs nothing
                    pieces.append(generation.text)
                    yield StreamDelta(prompt.pk, generation.text)
                else:
                    generation, routed = yield from _generate_routed(request, prompt, pieces, chain, stream=stream)
                    details = {**_generation_details(generation), **routed, **details}
            else:
                generation, routed = yield from _generate_routed(request, prompt, pieces, chain, stream=stream)
                details = {**_generation_details(generation), **routed}
            used = generation.prompt_tokens + generation.completion_tokens
            spending.settle(tokens=used, model=details.get("model"), outcome="answered")
        except ModelError as exc:
            # What was generated before the failure is spent; a model that produced nothing cost nothing.
            spending.settle(tokens=prompt_tokens + len(pieces) if pieces else 0, outcome="failed")
            raise _failed(prompt, exc, partial_response="".join(pieces)) from exc
        except GeneratorExit:
            spending.settle(tokens=prompt_tokens + len(pieces), outcome="cancelled")
            records.mark_failed(prompt, CANCELLED_REASON, partial_response="".join(pieces))
            raise
    # The stored answer is exactly what the client was shown.
    response = "".join(pieces)
    try:
        embedded = _embed(prompt.text, response, known=embedded)
    except ModelError as exc:
        raise _failed(prompt, exc, partial_response=response) from exc
    stored = records.store_answer(
        prompt,
        response=response,
        model_used=generation.model,
        details={**details, "embedding_model": embedded.model_name, "embedding_ms": embedded.ms},
        embedding_model=embedded.model_name,
        vector=embedded.vector,
        answer_vector=embedded.answer_vector,
        send_via_websocket=request.send_via_websocket,
    )
    yield StreamDone(stored, generation)


def answer_now(request: AnswerRequest, *, retry: Prompt | None = None) -> Prompt:
    """The pipeline without streaming: the stored prompt once it is answered."""
    for event in answer(request, stream=False, retry=retry):
        if isinstance(event, StreamDone):
            return event.prompt
    raise RuntimeError("the answer pipeline ended without a result")


def _check_prompt_tokens(model: str, request: AnswerRequest) -> int:
    """The prompt's tokens; refuse a prompt over its token budget before anything is stored. A model that
    cannot load cannot count (0): the prompt is then saved and fails like any other generation, so nothing
    typed is lost."""
    try:
        generator = get_generator(model)
    except ModelError:
        return 0
    return check_prompt_tokens(generator, _model_input(request), request.params)


def _save(request: AnswerRequest) -> Prompt:
    source = {**(request.source or {}), **(request.tags or {})}
    if request.template is not None:
        source["template"] = request.template.as_info()
    if request.key_id is not None:
        source["api_key"] = request.key_id
    return records.save_pending(
        user_id=request.user_id,
        text=request.text,
        send_via_websocket=request.send_via_websocket,
        source=source or None,
        placement=request.placement,
    )


def _model_input(request: AnswerRequest):
    """The chat the model reads: the conversation, else the prompt (after the template's system prompt)."""
    if request.conversation:
        return request.conversation
    if request.template is not None and request.template.system:
        return [{"role": "system", "content": request.template.system}, {"role": "user", "content": request.text}]
    return request.text


def _generate_routed(request: AnswerRequest, prompt: Prompt, pieces: list[str], chain: list, *, stream: bool):
    """Run the first model of `chain` (its slot is held by the caller); when it fails in a way another
    model may cure (a remote server down, timing out or answering 5xx) before any of its answer was
    shown, run the next one, in its own slot. Return (the Generation, the details naming the model
    that answered and why the others were skipped)."""
    skipped: list[dict] = []
    for position, spec in enumerate(chain):
        try:
            if position == 0:
                generation = yield from _generate(request, prompt, pieces, spec.name, stream=stream)
            else:
                with generation_slots.slot(spec.name):
                    generation = yield from _generate(request, prompt, pieces, spec.name, stream=stream)
        except (ModelError, GenerationBusyError) as exc:
            last = position == len(chain) - 1
            if last or pieces or not getattr(exc, "fallback", isinstance(exc, GenerationBusyError)):
                raise exc if isinstance(exc, ModelError) else ModelError(str(exc)) from exc
            skipped.append({"model": spec.name, "reason": str(exc)})
            continue
        routed = {"model": spec.name}
        if skipped:
            routed["routing"] = {"requested": chain[0].name, "answered_by": spec.name, "skipped": skipped}
        return generation, routed
    raise RuntimeError("no model to route to")


def _generate(request: AnswerRequest, prompt: Prompt, pieces: list[str], model: str, *, stream: bool):
    """Run the model; yield a StreamDelta per piece (appended to `pieces`); return the Generation."""
    target = _model_input(request)
    generator = get_generator(model)
    if stream:
        events = generator.stream(target, params=request.params)
    else:
        generation = generate_within(generator, target, params=request.params, timeout_s=settings.GENERATION_TIMEOUT_S)
        events = iter((generation.text, generation))
    result = None
    try:
        for event in events:
            if isinstance(event, Generation):
                result = event
            elif event:
                pieces.append(event)
                yield StreamDelta(prompt.pk, event)
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # frees the model's slot at once when we stop early
    if result is None:
        raise ModelError("the model stream ended without a result")
    return result


def _embed(text: str, response: str = "", *, known: _Embedded | None = None) -> _Embedded:
    """The prompt's vector (reused when `known`) and, for a non-empty response, the answer's: one batch."""
    embedder = get_embedder()
    started = time.perf_counter()
    if known is not None:
        answer = embedder.embed([response])[0] if response else None
        ms = known.ms + (time.perf_counter() - started) * 1000
        return _Embedded(known.model_name, known.vector, round(ms, 1), answer)
    vectors, answers = embed_turns(embedder, [text], [response])
    return _Embedded(embedder.model_name, vectors[0], round((time.perf_counter() - started) * 1000, 1), answers[0])


def _from_cache(user_id: int, vector: np.ndarray) -> tuple[Generation | None, dict]:
    """(the cached answer as a Generation, or None on a miss; the cache's part of the details)."""
    cached = selectors.semantic_cache_lookup(user_id=user_id, vector=vector)
    telemetry.cache_lookup(hit=cached.prompt is not None)
    details = {"cache": cached.as_info()}
    if cached.prompt is None:
        return None, details
    model = cached.prompt.metadata.model_used
    return Generation(cached.prompt.response, model, prompt_tokens=0, completion_tokens=0, duration_ms=0.0), details


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


def _failed(prompt: Prompt, exc: ModelError, *, partial_response: str) -> PromptFailedError:
    """Mark the prompt failed (keeping it and any partial answer); return the error to raise."""
    records.mark_failed(prompt, str(exc), partial_response=partial_response)
    return PromptFailedError(prompt_id=prompt.pk, reason=str(exc), cause=exc)
