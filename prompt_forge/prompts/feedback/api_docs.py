"""OpenAPI descriptions of feedback and template stats."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from prompt_forge.common import openapi as docs
from prompt_forge.prompt_templates.inputs import NAME

from ..api_docs import BAD_REQUEST, PROMPT_ID
from .serializers import FeedbackSerializer, StatsSerializer
from .services import COMMENT_MAX


class FeedbackInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=[1, -1], help_text="1: thumbs up; -1: thumbs down.")
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=COMMENT_MAX)


NOT_FOUND = {404: OpenApiResponse(docs.DetailSerializer, "No such prompt (or rating) among yours.")}

feedback_set_schema = extend_schema(
    operation_id="prompts_feedback_update",
    tags=["feedback"],
    summary="Rate one of your answers (a down-rated answer is never served from the semantic cache again)",
    parameters=PROMPT_ID,
    request=FeedbackInputSerializer,
    responses={
        200: FeedbackSerializer,
        **BAD_REQUEST,
        **NOT_FOUND,
        **docs.UNAUTHENTICATED,
        **docs.UNSUPPORTED_MEDIA,
        **docs.ALWAYS,
    },
)
feedback_delete_schema = extend_schema(
    operation_id="prompts_feedback_destroy",
    tags=["feedback"],
    summary="Take back your rating of an answer",
    parameters=PROMPT_ID,
    responses={204: OpenApiResponse(description="Removed."), **NOT_FOUND, **docs.UNAUTHENTICATED, **docs.ALWAYS},
)
stats_schema = extend_schema(
    operation_id="templates_stats",
    tags=["templates"],
    summary="A template's runs per version and model: count, ratings, mean tokens and latency",
    parameters=[
        OpenApiParameter(
            "name", {"type": "string", "pattern": NAME.pattern}, OpenApiParameter.PATH, description="Template name."
        )
    ],
    responses={
        200: StatsSerializer,
        404: OpenApiResponse(docs.DetailSerializer, "No such template among yours."),
        **docs.UNAUTHENTICATED,
        **docs.ALWAYS,
    },
)
