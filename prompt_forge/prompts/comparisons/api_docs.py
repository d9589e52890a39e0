"""OpenAPI description of POST /prompts/{id}/compare/."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from ..api_docs import BAD_REQUEST, PROMPT_ID, StopField, TopPField
from ..inputs import SEED_MAX
from ..serializers import PromptSerializer


class CompareInputSerializer(serializers.Serializer):
    models = serializers.ListField(
        child=serializers.CharField(min_length=1), required=False, help_text="Model names (GET /v1/models)."
    )
    template_versions = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="Versions of the template the prompt ran, with the same variables.",
    )
    max_new_tokens = serializers.IntegerField(required=False, min_value=1, max_value=settings.GENERATION_MAX_NEW_TOKENS)
    temperature = serializers.FloatField(required=False, min_value=0, max_value=2)
    top_p = TopPField(required=False)
    stop = StopField(required=False)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=SEED_MAX)


class ComparisonSerializer(serializers.Serializer):
    comparison = serializers.CharField(help_text="The id each answer carries in extra_info.comparison.")
    prompt = serializers.IntegerField(help_text="The compared prompt.")
    answers = PromptSerializer(many=True, help_text="One per model x template version, in request order.")


compare_schema = extend_schema(
    operation_id="prompts_compare",
    tags=["prompts"],
    summary="Answer a prompt again with several models or template versions, side by side",
    parameters=PROMPT_ID,
    request=CompareInputSerializer,
    responses={
        201: ComparisonSerializer,
        **BAD_REQUEST,
        404: OpenApiResponse(docs.DetailSerializer, "No such prompt (or template version) among yours."),
        **docs.UNAUTHENTICATED,
        **docs.UNSUPPORTED_MEDIA,
        **docs.THROTTLED,
        **docs.TOO_LARGE,
        **docs.MODEL_FAILED,
    },
)
