"""OpenAPI description of GET /search/ (applied to the view as a decorator)."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from prompt_forge.common import openapi as docs

from ..conversations.api_docs import TAG_NAME
from ..models import Prompt
from .serializers import K_MAX, SearchHitSerializer

DATE = {"type": "string", "minLength": 1, "maxLength": 40}
PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "maxLength": settings.SEARCH_QUERY_MAX_CHARS},
        required=True,
        description="Words or a description of what you look for.",
    ),
    OpenApiParameter(
        "mode",
        {"type": "string", "enum": ["hybrid", "semantic", "keyword"]},
        description="hybrid (default): words and meaning fused; semantic: meaning only; keyword: words only.",
    ),
    OpenApiParameter("k", {"type": "integer", "minimum": 1, "maximum": K_MAX}, description="Hits wanted (default 10)."),
    OpenApiParameter("since", DATE, description="Only turns from this date or date-time on (ISO 8601)."),
    OpenApiParameter("until", DATE, description="Only turns up to this date (whole day) or date-time."),
    OpenApiParameter("model", {"type": "string", "maxLength": 200}, description="Only turns answered by this model."),
    OpenApiParameter(
        "template", {"type": "string", "minLength": 1, "maxLength": 100}, description="Only runs of this template."
    ),
    OpenApiParameter(
        "conversation", {"type": "integer", "minimum": 1}, description="Only turns of this conversation of yours."
    ),
    OpenApiParameter("tag", TAG_NAME, description="Only turns of your conversations carrying this tag."),
    OpenApiParameter(
        "status", {"type": "string", "enum": Prompt.Status.values}, description="Only turns in this state."
    ),
]

search_schema = extend_schema(
    operation_id="search",
    tags=["search"],
    summary="Search your whole history (prompts and answers) by words and meaning",
    parameters=PARAMETERS,
    responses={
        200: SearchHitSerializer(many=True),
        400: OpenApiResponse(docs.BadRequestSerializer, "Invalid input: `error` (or `detail`) says what."),
        **docs.THROTTLED,
        **docs.UNAUTHENTICATED,
        **docs.ALWAYS,
        503: OpenApiResponse(docs.ModelFailureSerializer, "The embedding model or the database is unavailable."),
    },
)
