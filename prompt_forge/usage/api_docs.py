"""OpenAPI description of GET /api/usage."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from prompt_forge.common import openapi as docs


class FiguresSerializer(serializers.Serializer):
    requests = serializers.IntegerField(help_text="Prompts answered (by a model or from the cache).")
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    cache_hits = serializers.IntegerField(help_text="Answered from the semantic cache, at no token cost.")


class ModelFiguresSerializer(FiguresSerializer):
    model = serializers.CharField()


class KeyFiguresSerializer(FiguresSerializer):
    key = serializers.IntegerField(allow_null=True, help_text="The API key's id; null: made with a login.")
    name = serializers.CharField(allow_null=True)


class DaySerializer(FiguresSerializer):
    date = serializers.DateField()
    by_model = ModelFiguresSerializer(many=True)
    by_key = KeyFiguresSerializer(many=True)


class UsageSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    totals = FiguresSerializer()
    days = DaySerializer(many=True, help_text="Days with requests only, oldest first (UTC).")


usage_schema = extend_schema(
    tags=["usage"],
    summary="Your requests and tokens per day, by model and by API key",
    parameters=[
        OpenApiParameter(
            "days", OpenApiTypes.INT, description="How many days back, today included (default 30).", required=False
        )
    ],
    responses={
        200: UsageSerializer,
        400: OpenApiResponse(docs.ErrorSerializer, "days is not a whole number in range."),
        **docs.UNAUTHENTICATED,
        **docs.ALWAYS,
    },
)
