"""Validation of /v1/chat/completions bodies (the subset of OpenAI's fields that applies here)."""

from dataclasses import dataclass, replace

from django.conf import settings
from rest_framework.exceptions import ParseError

from prompt_forge.ai.base import SamplingParams
from prompt_forge.ai.catalog import UnknownModelError
from prompt_forge.common.parsers import strict_loads
from prompt_forge.prompts.inputs import (
    OPENAI_API,
    InvalidRequestError,
    TemplateUse,
    check_prompt_length,
    parse_sampling,
    render_template,
)

from .errors import OpenAIError

ROLES = {"system", "developer", "user", "assistant"}


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: list[dict]  # [{"role", "content": str}], ending with the user's message
    text: str  # that last user message: what lands in the history
    stream: bool
    include_usage: bool
    params: SamplingParams
    # LiteLLM's prompt management fields: prompt_id names a template of the caller's, rendered by
    # with_template() into the last user message (prompt_version or our prompt_label picks the version).
    template_fields: dict | None = None
    template: TemplateUse | None = None
    sampling_fields: dict | None = None  # as sent, so a template's defaults apply only where unset


TEMPLATE_FIELDS = ("prompt_id", "prompt_version", "prompt_label", "prompt_variables")
SAMPLING_FIELDS = ("max_tokens", "max_completion_tokens", "temperature", "top_p", "stop")


def _template_params(params: dict) -> dict:
    """A template's default sampling parameters in /v1's names (seed is not taken here)."""
    translated = {name: params[name] for name in ("temperature", "top_p", "stop") if name in params}
    if "max_new_tokens" in params:
        translated["max_tokens"] = params["max_new_tokens"]
    return translated


def _invalid(message: str, param: str | None = None) -> OpenAIError:
    return OpenAIError(400, message, param=param)


def _content_text(content, index: int) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(
        isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str) for part in content
    ):
        return "".join(part["text"] for part in content)
    raise _invalid("content must be a string or a list of text parts", f"messages[{index}].content")


def _messages(raw, *, templated: bool = False) -> list[dict]:
    if templated and raw is None:
        return []
    if not isinstance(raw, list) or (not raw and not templated):
        raise _invalid("messages must be a non-empty list", "messages")
    messages = []
    for index, message in enumerate(raw):
        role = message.get("role") if isinstance(message, dict) else None
        if not isinstance(role, str) or role not in ROLES:  # an unhashable role must not reach the set lookup
            raise _invalid(f"role must be one of {sorted(ROLES)}", f"messages[{index}].role")
        role = "system" if role == "developer" else role
        messages.append({"role": role, "content": _content_text(message.get("content"), index)})
    if templated:  # the rendered template is the new user message, after these
        _check_total(messages)
        return messages
    if messages[-1]["role"] != "user" or not messages[-1]["content"].strip():
        raise _invalid("the last message must be a non-empty user message", "messages")
    _check_total(messages)
    try:
        check_prompt_length(messages[-1]["content"], label="the user message", param="messages")
    except InvalidRequestError as exc:
        raise _invalid(str(exc), exc.param) from exc
    return messages


def _check_total(messages: list[dict]) -> None:
    if sum(len(message["content"]) for message in messages) > settings.CHAT_MAX_CHARS:
        raise _invalid(f"messages must total at most {settings.CHAT_MAX_CHARS} characters", "messages")


def _params(body: dict) -> SamplingParams:
    n = body.get("n")
    if n is not None and (isinstance(n, bool) or n != 1 or not isinstance(n, int)):
        raise _invalid("only n=1 is supported", "n")
    try:
        return parse_sampling(body, OPENAI_API)
    except InvalidRequestError as exc:
        raise _invalid(str(exc), exc.param) from exc


def parse_chat_request(raw_body: bytes, *, served_models: list[str]) -> ChatRequest:
    """The request, checked; `model` must be one of `served_models` (the catalog's names, GET /v1/models)."""
    try:
        body = strict_loads(raw_body or b"")
    except ParseError as exc:  # not JSON, nested too deeply, NUL or a lone surrogate: as on the REST API
        raise _invalid(f"the request body must be JSON: {exc.detail}") from exc
    if not isinstance(body, dict):
        raise _invalid("the request body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _invalid("model is required", "model")
    if model not in served_models:
        raise OpenAIError.from_exception(UnknownModelError(model, list(served_models)))
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _invalid("stream must be true or false", "stream")
    options = body.get("stream_options")
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise _invalid("stream_options must be an object", "stream_options")
    if not isinstance(options.get("include_usage", False), bool):
        raise _invalid("stream_options.include_usage must be true or false", "stream_options")
    templated = body.get("prompt_id") is not None
    messages = _messages(body.get("messages"), templated=templated)
    return ChatRequest(
        model=model,
        messages=messages,
        text=messages[-1]["content"].strip() if not templated else "",
        stream=stream,
        include_usage=bool(options.get("include_usage")),
        params=_params(body),
        template_fields={name: body.get(name) for name in TEMPLATE_FIELDS} if templated else None,
        sampling_fields={name: body[name] for name in SAMPLING_FIELDS if body.get(name) is not None},
    )


def with_template(chat: ChatRequest, *, user_id: int) -> ChatRequest:
    """The request with its template rendered as the last user message (the template's system prompt
    first, unless the messages bring their own). Reads the database: call it from a thread."""
    if chat.template_fields is None:
        return chat
    rendered = render_template(user_id=user_id, data=chat.template_fields, fields=TEMPLATE_FIELDS)
    messages = list(chat.messages)
    if rendered.use.system and not any(message["role"] == "system" for message in messages):
        messages.insert(0, {"role": "system", "content": rendered.use.system})
    messages.append({"role": "user", "content": rendered.text})
    _check_total(messages)
    params = chat.params
    if rendered.use.params:  # the template's defaults, unless the request set its own
        try:
            params = parse_sampling({**_template_params(rendered.use.params), **chat.sampling_fields}, OPENAI_API)
        except InvalidRequestError as exc:
            raise _invalid(str(exc), exc.param) from exc
    return replace(chat, messages=messages, text=rendered.text, template=rendered.use, params=params)
