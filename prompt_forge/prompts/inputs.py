"""The request vocabulary: prompt text and sampling parameters, validated once for every surface.

REST (POST /prompts/), WebSocket {"type": "prompt"} messages, /v1/chat/completions and the import
command all call these functions. Where OpenAI's request shape demands it, a surface passes its own
`SamplingRules` (field names, nullable fields, limits); the checks and their messages are shared.
"""

from dataclasses import dataclass, field

from django.conf import settings

from prompt_forge.ai import catalog
from prompt_forge.ai.base import SamplingParams
from prompt_forge.prompt_templates import rendering
from prompt_forge.prompt_templates import selectors as template_selectors
from prompt_forge.prompt_templates.errors import InvalidTemplateError
from prompt_forge.prompt_templates.inputs import PARAM_NAMES

SEED_MAX = 2**63 - 1


class InvalidRequestError(Exception):
    """Bad input: 400 {"error": message} on REST, an error message on WebSocket, OpenAI's error on /v1.

    `param` names the offending field where a surface reports it (/v1 does).
    """

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class SamplingRules:
    """How one surface spells and bounds the sampling parameters."""

    token_fields: tuple[str, ...] = ("max_new_tokens",)  # all are checked; the last one given wins
    clamp_tokens: bool = False  # over GENERATION_MAX_NEW_TOKENS: answered up to it, or refused
    null_is_absent: bool = False  # OpenAI's clients send null for fields they leave unset
    top_p_min: float = 0.0
    top_p_min_open: bool = True  # top_p must be above (not at) top_p_min
    stop_max_count: int = 4
    stop_max_chars: int | None = 64
    stop_allow_empty: bool = False  # empty stop strings are dropped instead of refused
    seed: bool = True  # whether `seed` is taken


PROMPTS_API = SamplingRules()
OPENAI_API = SamplingRules(
    token_fields=("max_tokens", "max_completion_tokens"),
    clamp_tokens=True,
    null_is_absent=True,
    top_p_min=0.01,
    top_p_min_open=False,
    stop_max_chars=None,
    stop_allow_empty=True,
    seed=False,
)


def check_prompt_length(text: str, *, label: str = "prompt", param: str | None = None) -> None:
    if len(text) > settings.PROMPT_MAX_CHARS:
        raise InvalidRequestError(f"{label} must be at most {settings.PROMPT_MAX_CHARS} characters", param)


def prompt_text(value) -> str:
    """The prompt a client sent, stripped: a non-blank string of at most PROMPT_MAX_CHARS characters."""
    if value is not None and not isinstance(value, str):
        raise InvalidRequestError("prompt must be a string", "prompt")
    if not value or not value.strip():
        raise InvalidRequestError("prompt is required", "prompt")
    check_prompt_length(value)
    return value.strip()


def _given(data: dict, name: str, rules: SamplingRules) -> bool:
    return name in data and not (rules.null_is_absent and data[name] is None)


def _number(data: dict, name: str, low: float, high: float, default: float, rules: SamplingRules, *, low_open=False):
    if not _given(data, name, rules):  # absent means the default; null is not a number unless the surface says so
        return default
    value = data[name]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not ((value > low if low_open else value >= low) and value <= high):
        side = f"above {low:g}" if low_open else f"from {low:g}"
        raise InvalidRequestError(f"{name} must be a number {side} to {high:g}", name)
    return float(value)


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _max_new_tokens(data: dict, rules: SamplingRules) -> int | None:
    limit = settings.GENERATION_MAX_NEW_TOKENS
    chosen = None
    for name in rules.token_fields:
        if not _given(data, name, rules):
            continue
        value = data[name]
        if rules.clamp_tokens:
            if not _is_integer(value) or value < 1:
                raise InvalidRequestError(f"{name} must be a positive integer", name)
        elif not _is_integer(value) or not 1 <= value <= limit:
            raise InvalidRequestError(f"{name} must be an integer from 1 to {limit}", name)
        chosen = value
    if rules.clamp_tokens:
        # Longer requests are answered up to the server's limit; finish_reason "length" says so.
        return min(chosen, limit) if chosen else limit
    return chosen


def _stop(data: dict, rules: SamplingRules) -> tuple[str, ...]:
    if not _given(data, "stop", rules):
        return ()
    stop = data["stop"]
    stop = [stop] if isinstance(stop, str) else stop
    fits = (
        isinstance(stop, list)
        and len(stop) <= rules.stop_max_count
        and all(
            isinstance(s, str)
            and (rules.stop_allow_empty or s)
            and (rules.stop_max_chars is None or len(s) <= rules.stop_max_chars)
            for s in stop
        )
    )
    if not fits:
        if rules.stop_max_chars is None:
            message = f"stop must be a string or a list of at most {rules.stop_max_count} strings"
        else:
            message = (
                f"stop must be a string or a list of at most {rules.stop_max_count} non-empty strings "
                f"of at most {rules.stop_max_chars} characters"
            )
        raise InvalidRequestError(message, "stop")
    return tuple(s for s in stop if s)


def _seed(data: dict, rules: SamplingRules) -> int | None:
    if not rules.seed or not _given(data, "seed", rules):
        return None
    value = data["seed"]
    if not _is_integer(value) or not 0 <= value <= SEED_MAX:
        raise InvalidRequestError(f"seed must be an integer from 0 to {SEED_MAX}", "seed")
    return value


def parse_sampling(data: dict, rules: SamplingRules = PROMPTS_API) -> SamplingParams:
    """temperature, top_p, the token limit, stop and seed of a request; absent means greedy decoding up
    to GENERATION_MAX_NEW_TOKENS."""
    stop = _stop(data, rules)  # checked first, as before: the most common mistake gets the first word
    return SamplingParams(
        max_new_tokens=_max_new_tokens(data, rules),
        temperature=_number(data, "temperature", 0, 2, 0.0, rules),
        top_p=_number(data, "top_p", rules.top_p_min, 1, 1.0, rules, low_open=rules.top_p_min_open),
        stop=stop,
        seed=_seed(data, rules),
    )


def flag(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise InvalidRequestError(f"{name} must be true or false", name)
    return value


@dataclass(frozen=True)
class TemplateUse:
    """A run of one of the user's templates: which version, with which variables, and its system prompt."""

    name: str
    version: int
    label: str | None
    variables: dict
    system: str = ""
    params: dict = field(default_factory=dict)  # the version's default sampling parameters

    def as_info(self) -> dict:
        """What the stored turn records (metadata.extra_info.template)."""
        info = {"name": self.name, "version": self.version, "variables": self.variables}
        return {**info, "label": self.label} if self.label else info


@dataclass(frozen=True)
class RenderedTemplate:
    text: str
    use: TemplateUse


def _template_selector(data: dict, fields: tuple[str, str, str]) -> tuple[int | None, str | None]:
    version_field, label_field, _ = fields
    version, label = data.get(version_field), data.get(label_field)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise InvalidRequestError(f"{version_field} must be a positive integer", version_field)
    if label is not None and not isinstance(label, str):
        raise InvalidRequestError(f"{label_field} must be a string", label_field)
    return version, label


def render_template(
    *, user_id: int, data: dict, fields: tuple[str, str, str, str] = ("template", "version", "label", "variables")
) -> RenderedTemplate:
    """The prompt text of a template run: `data[fields[0]]` names one of the user's templates, the
    version (or label) picks the version (default: the latest), the variables fill it in.

    InvalidRequestError for bad input (a missing variable names it), TemplateNotFoundError (404)
    when the template, version or label is not one of the user's."""
    name_field, *selector_fields = fields
    name = data.get(name_field)
    if not isinstance(name, str) or not name:
        raise InvalidRequestError(f"{name_field} must be a template name", name_field)
    version, label = _template_selector(data, tuple(selector_fields))
    try:
        variables = rendering.check_variables(data.get(selector_fields[2]))
        found = template_selectors.resolve(user_id=user_id, name=name, version=version, label=label)
        text = rendering.render(found.content, variables)
    except InvalidTemplateError as exc:
        param = {"variables": selector_fields[2], "label": selector_fields[1]}.get(exc.param, exc.param)
        raise InvalidRequestError(str(exc), param) from exc
    use = TemplateUse(name, found.number, label, variables, system=found.system, params=found.params or {})
    return RenderedTemplate(text, use)


TEMPLATE_FIELDS = ("template", "version", "label", "variables")


@dataclass(frozen=True)
class PromptRequest:
    """A validated POST /prompts/ body or WebSocket prompt message."""

    text: str
    send_via_websocket: bool = False
    use_cache: bool = False  # answer from the user's own semantic cache when a close earlier prompt exists
    params: SamplingParams = field(default_factory=SamplingParams)
    template: TemplateUse | None = None  # the prompt is a run of this template
    model: str | None = None  # a model of the catalog by name (None: the default, or the conversation's)


def parse_model(value) -> str | None:
    """A `model` field: None (absent), or a configured model's name; UnknownModelError (400) otherwise."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError("model must be a string: one of GET /v1/models", "model")
    return catalog.resolve(value).name


def parse_prompt_request(data, *, user_id: int | None = None) -> PromptRequest:
    """Validate a POST /prompts/ body (also a WebSocket prompt message, reduced to its allowed fields).

    `{"template", "version"? | "label"?, "variables"}` of the user's (`user_id`) instead of `prompt`
    runs that template; its default sampling parameters apply unless the request sets its own."""
    if not isinstance(data, dict):
        raise InvalidRequestError("request body must be a JSON object")
    use = None
    if data.get("template") is not None:
        if data.get("prompt") is not None:
            raise InvalidRequestError("give either prompt or template, not both", "template")
        if user_id is None:
            raise InvalidRequestError("templates cannot be run here", "template")
        rendered = render_template(user_id=user_id, data=data)
        text, use = rendered.text, rendered.use
        params = parse_sampling({**use.params, **{k: v for k, v in data.items() if k in PARAM_NAMES}})
    else:
        stray = sorted({"version", "label", "variables"} & set(data))
        if stray:
            raise InvalidRequestError(f"{stray[0]} requires template", stray[0])
        text = prompt_text(data.get("prompt"))
        params = parse_sampling(data)
    return PromptRequest(
        text=text,
        send_via_websocket=flag(data, "send_via_websocket"),
        use_cache=flag(data, "use_cache"),
        params=params,
        template=use,
        model=parse_model(data.get("model")),
    )


def parse_stream_flag(data, send_via_websocket: bool) -> bool:
    """`"stream": true` streams the answer token by token to the user's sockets (needs send_via_websocket)."""
    stream = flag(data, "stream")
    if stream and not send_via_websocket:
        raise InvalidRequestError("stream requires send_via_websocket: the answer is streamed over WebSocket")
    return stream
