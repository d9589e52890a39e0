"""JSON shapes of prompts, exactly as the API reference documents them, and query-string validation."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .feedback.serializers import FeedbackSerializer, feedback_data
from .inputs import InvalidRequestError
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
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = Prompt
        # The seed's fields, then the turn's place: its conversation and the turn it answers; your rating.
        fields = [
            *("id", "user", "text", "response", "created_at", "metadata", "embedding", "conversation", "parent"),
            "feedback",
        ]

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, prompt: Prompt) -> dict | None:
        return feedback_data(prompt)

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
    template = serializers.CharField(required=False, max_length=100, help_text="Only runs of this template.")


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
