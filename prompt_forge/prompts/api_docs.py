"""OpenAPI descriptions of the prompt endpoints (applied to the views as decorators)."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from .inputs import PROMPTS_API, SEED_MAX
from .serializers import PromptSerializer, ScoredPromptSerializer

STOP_STRING = {"type": "string", "minLength": 1, "maxLength": PROMPTS_API.stop_max_chars}


# OpenAPI 3.0 (JSON Schema draft 4): exclusiveMinimum is a flag on minimum.
@extend_schema_field({"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1})
class TopPField(serializers.FloatField):
    pass


@extend_schema_field(
    {"oneOf": [STOP_STRING, {"type": "array", "items": STOP_STRING, "maxItems": PROMPTS_API.stop_max_count}]}
)
class StopField(serializers.JSONField):
    pass


class PromptCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(
        required=False,
        max_length=settings.PROMPT_MAX_CHARS,
        help_text="The prompt; surrounding whitespace is trimmed. Required unless `template` is given.",
    )
    template = serializers.CharField(
        required=False, max_length=100, help_text="Run this template of yours instead of `prompt`."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="With template: the version to run (default: the latest)."
    )
    label = serializers.CharField(
        required=False, max_length=50, help_text="With template: run the version this label points at."
    )
    variables = serializers.DictField(
        required=False, help_text="With template: the values of its {{ variables }} (text, numbers, true/false)."
    )
    model = serializers.CharField(
        required=False,
        help_text="The model to answer with, by name (GET /v1/models); default: the conversation's, else the "
        "server's first. An unknown name is a 400 listing the known ones.",
    )
    send_via_websocket = serializers.BooleanField(
        required=False, default=False, help_text="Also push the answer to every open WebSocket of yours."
    )
    stream = serializers.BooleanField(
        required=False,
        default=False,
        help_text="With send_via_websocket: stream the answer to your sockets token by token.",
    )
    use_cache = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Reuse the answer of your own most similar earlier prompt when it is close enough.",
    )
    max_new_tokens = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=settings.GENERATION_MAX_NEW_TOKENS,
        help_text="Longest answer, in tokens.",
    )
    temperature = serializers.FloatField(
        required=False, min_value=0, max_value=2, help_text="0 (the default) is greedy decoding; higher samples."
    )
    top_p = TopPField(required=False, help_text="Sample only from the most likely tokens totalling this probability.")
    stop = StopField(required=False, help_text="The answer ends before the first of these strings.")
    seed = serializers.IntegerField(
        required=False, min_value=0, max_value=SEED_MAX, help_text="With temperature > 0: same seed, same answer."
    )
    conversation = serializers.IntegerField(
        required=False, allow_null=True, help_text="Continue this conversation of yours (default: a new one)."
    )
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="The turn this one answers (default: the active leaf)."
    )


class PromptPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PromptSerializer(many=True)


BAD_REQUEST = {400: OpenApiResponse(docs.BadRequestSerializer, "Invalid input: `error` (or `detail`) says what.")}
PAGE = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1}, description="Page size (default 20, capped at 100)."),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0}, description="Prompts to skip (default 0)."),
    OpenApiParameter(
        "template", {"type": "string", "minLength": 1, "maxLength": 100}, description="Only runs of this template."
    ),
]
PROMPT_ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Prompt id.")]
SIMILAR = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "maxLength": settings.SEARCH_QUERY_MAX_CHARS},
        required=True,
        description="Search text.",
    ),
    OpenApiParameter("k", {"type": "integer", "minimum": 1, "maximum": 50}, description="Results wanted (default 5)."),
    OpenApiParameter(
        "min_score", {"type": "number", "minimum": -1, "maximum": 1}, description="Lowest cosine similarity."
    ),
]
READ = {**docs.UNAUTHENTICATED, **docs.ALWAYS}

list_schema = extend_schema(
    operation_id="prompts_list",
    tags=["prompts"],
    summary="Your prompts, newest first",
    parameters=PAGE,
    responses={200: PromptPageSerializer, **BAD_REQUEST, **READ},
)
create_schema = extend_schema(
    operation_id="prompts_create",
    tags=["prompts"],
    summary="Answer, embed and store a prompt",
    request=PromptCreateSerializer,
    responses={
        201: PromptSerializer,
        **BAD_REQUEST,
        404: OpenApiResponse(
            docs.DetailSerializer, "The conversation, parent turn or template (version, label) is not one of yours."
        ),
        **docs.UNAUTHENTICATED,
        **docs.UNSUPPORTED_MEDIA,
        **docs.THROTTLED,
        **docs.TOO_LARGE,
        **docs.MODEL_FAILED,
    },
)
retrieve_schema = extend_schema(
    operation_id="prompts_retrieve",
    tags=["prompts"],
    summary="One of your prompts",
    parameters=PROMPT_ID,
    responses={200: PromptSerializer, **docs.NOT_FOUND, **READ},
)
delete_schema = extend_schema(
    operation_id="prompts_destroy",
    tags=["prompts"],
    summary="Delete one of your prompts (it leaves search results at once)",
    parameters=PROMPT_ID,
    responses={204: OpenApiResponse(description="Deleted."), **docs.NOT_FOUND, **READ},
)
retry_schema = extend_schema(
    operation_id="prompts_retry",
    tags=["prompts"],
    summary="Answer again a prompt whose generation failed or timed out",
    parameters=PROMPT_ID,
    request=None,
    responses={
        200: PromptSerializer,
        **docs.NOT_FOUND,
        409: OpenApiResponse(docs.ErrorSerializer, "Already answered, or being answered right now."),
        **docs.UNAUTHENTICATED,
        **docs.THROTTLED,
        **docs.TOO_LARGE,
        **docs.MODEL_FAILED,
    },
)
similar_schema = extend_schema(
    operation_id="prompts_similar",
    tags=["prompts"],
    summary="Your prompts closest in meaning to q, most similar first",
    parameters=SIMILAR,
    responses={
        200: ScoredPromptSerializer(many=True),
        **BAD_REQUEST,
        **docs.THROTTLED,
        **READ,
        503: OpenApiResponse(docs.ModelFailureSerializer, "The embedding model or the database is unavailable."),
    },
)
