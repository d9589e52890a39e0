"""JSON shapes of prompts, exactly as the API reference documents them."""

from dataclasses import dataclass, field

from django.conf import settings
from rest_framework import serializers

from prompt_forge.ai.base import SamplingParams

from .models import Prompt, PromptEmbedding, PromptMetadata


class PromptMetadataSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromptMetadata
        fields = ["model_used", "sent_via_websocket", "extra_info"]


class PromptEmbeddingSerializer(serializers.ModelSerializer):
    vector = serializers.SerializerMethodField()

    class Meta:
        model = PromptEmbedding
        fields = ["model_name", "vector"]

    def get_vector(self, obj: PromptEmbedding) -> list[float]:
        return obj.as_list()


class PromptSerializer(serializers.ModelSerializer):
    metadata = PromptMetadataSerializer(read_only=True)
    embedding = PromptEmbeddingSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Prompt
        # The seed's fields, then the turn's place: its conversation and the turn it answers.
        fields = ["id", "user", "text", "response", "created_at", "metadata", "embedding", "conversation", "parent"]

    def to_representation(self, instance: Prompt) -> dict:
        data = super().to_representation(instance)
        # A prompt whose generation failed has no embedding yet; show null, not an error.
        if not hasattr(instance, "embedding"):
            data["embedding"] = None
        return data


class ConversationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ScoredPromptSerializer(PromptSerializer):
    score = serializers.FloatField(read_only=True)
    # A search hit names its conversation, so a client can open the thread it belongs to.
    conversation = ConversationRefSerializer(read_only=True, allow_null=True)

    class Meta(PromptSerializer.Meta):
        fields = [*PromptSerializer.Meta.fields, "score"]


def validate_query(params, serializer_class: type[serializers.Serializer]) -> dict:
    """Validated query parameters, or InvalidRequestError naming the first bad one.

    Each parameter may be given once, and an empty value is validated like any other (a QueryDict
    would let `limit=` pass as absent). Messages about `q` stand alone; others start with the name.
    """
    values = {}
    for name in serializer_class().fields:
        given = params.getlist(name)
        if len(given) > 1:
            raise InvalidRequestError(f"{name}: give this parameter at most once")
        if given:
            values[name] = given[0]
    serializer = serializer_class(data=values)
    if not serializer.is_valid():
        field, messages = next(iter(serializer.errors.items()))
        raise InvalidRequestError(str(messages[0]) if field == "q" else f"{field}: {messages[0]}")
    return serializer.validated_data


class PageQuerySerializer(serializers.Serializer):
    """`limit` and `offset` of GET /prompts/: integers or absent (a limit above 100 is capped to 100)."""

    limit = serializers.IntegerField(required=False, min_value=1)
    offset = serializers.IntegerField(required=False, min_value=0)


class SimilarQuerySerializer(serializers.Serializer):
    # Trimmed only after the length check: the limit applies to what the client sent, as documented.
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    k = serializers.IntegerField(required=False, min_value=1, max_value=50, default=5)
    min_score = serializers.FloatField(required=False, min_value=-1.0, max_value=1.0, default=None, allow_null=True)

    def validate_q(self, value: str) -> str:
        if len(value) > settings.SEARCH_QUERY_MAX_CHARS:
            raise serializers.ValidationError(
                f'query parameter "q" must be at most {settings.SEARCH_QUERY_MAX_CHARS} characters'
            )
        return value.strip()


class InvalidRequestError(Exception):
    """Bad input, reported as 400 {"error": message} (the seed's error shape)."""


@dataclass(frozen=True)
class PromptRequest:
    """A validated POST /prompts/ body."""

    text: str
    send_via_websocket: bool = False
    use_cache: bool = False  # answer from the user's own semantic cache when a close earlier prompt exists
    params: SamplingParams = field(default_factory=SamplingParams)


def _flag(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise InvalidRequestError(f"{name} must be true or false")
    return value


def parse_prompt_request(data) -> PromptRequest:
    """Validate a POST /prompts/ body (the single place it is validated)."""
    if not isinstance(data, dict):
        raise InvalidRequestError("request body must be a JSON object")
    text = data.get("prompt")
    if text is not None and not isinstance(text, str):
        raise InvalidRequestError("prompt must be a string")
    if not text or not text.strip():
        raise InvalidRequestError("prompt is required")
    if len(text) > settings.PROMPT_MAX_CHARS:
        raise InvalidRequestError(f"prompt must be at most {settings.PROMPT_MAX_CHARS} characters")
    return PromptRequest(
        text=text.strip(),
        send_via_websocket=_flag(data, "send_via_websocket"),
        use_cache=_flag(data, "use_cache"),
        params=parse_sampling(data),
    )


STOP_MAX_COUNT = 4
STOP_MAX_CHARS = 64
SEED_MAX = 2**63 - 1


def _number(data: dict, name: str, low: float, high: float, default: float, *, low_open: bool = False) -> float:
    if name not in data:  # absent means the default; null is not a number
        return default
    value = data[name]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not ((value > low if low_open else value >= low) and value <= high):
        side = f"above {low:g}" if low_open else f"from {low:g}"
        raise InvalidRequestError(f"{name} must be a number {side} to {high:g}")
    return float(value)


def _integer(data: dict, name: str, low: int, high: int) -> int | None:
    if name not in data:
        return None
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequestError(f"{name} must be an integer from {low} to {high}")
    return value


def parse_sampling(data: dict) -> SamplingParams:
    """temperature, top_p, max_new_tokens, stop and seed of a prompt request; absent means greedy decoding
    up to GENERATION_MAX_NEW_TOKENS."""
    stop = data.get("stop", [])
    if isinstance(stop, str):
        stop = [stop]
    if (
        not isinstance(stop, list)
        or len(stop) > STOP_MAX_COUNT
        or not all(isinstance(s, str) and 0 < len(s) <= STOP_MAX_CHARS for s in stop)
    ):
        raise InvalidRequestError(
            f"stop must be a string or a list of at most {STOP_MAX_COUNT} non-empty strings "
            f"of at most {STOP_MAX_CHARS} characters"
        )
    return SamplingParams(
        max_new_tokens=_integer(data, "max_new_tokens", 1, settings.GENERATION_MAX_NEW_TOKENS),
        temperature=_number(data, "temperature", 0, 2, 0.0),
        top_p=_number(data, "top_p", 0, 1, 1.0, low_open=True),
        stop=tuple(stop or ()),
        seed=_integer(data, "seed", 0, SEED_MAX),
    )


def parse_stream_flag(data, send_via_websocket: bool) -> bool:
    """`"stream": true` streams the answer token by token to the user's sockets (needs send_via_websocket)."""
    stream = _flag(data, "stream")
    if stream and not send_via_websocket:
        raise InvalidRequestError("stream requires send_via_websocket: the answer is streamed over WebSocket")
    return stream
