"""GET /search/: its query parameters, validated, and the JSON shape of a hit."""

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from prompt_forge.search.hybrid import Mode

from ..conversations.serializers import TagNameField
from ..models import Prompt
from ..serializers import ConversationRefSerializer, PromptMetadataSerializer

K_MAX = 50


class InstantField(serializers.Field):
    """An ISO 8601 date-time, or a date (the start of that day, or its end for an `until` bound)."""

    default_error_messages = {"invalid": "give an ISO 8601 date (2026-12-01) or date-time (2026-12-01T09:30:00Z)"}

    def __init__(self, *, end_of_day: bool = False, **kwargs) -> None:
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime:
        text = str(data).strip()
        try:
            moment = parse_datetime(text)
            if moment is None and (day := parse_date(text)) is not None:
                moment = datetime.combine(day, time.max if self.end_of_day else time.min)
        except ValueError:
            moment = None
        if moment is None:
            self.fail("invalid")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())

    def to_representation(self, value):
        return value.isoformat()


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        allow_blank=True, trim_whitespace=False, error_messages={"required": 'query parameter "q" is required'}
    )
    mode = serializers.ChoiceField(choices=[mode.value for mode in Mode], default=Mode.HYBRID.value)
    k = serializers.IntegerField(required=False, min_value=1, max_value=K_MAX, default=10)
    since = InstantField(required=False)
    until = InstantField(required=False, end_of_day=True)
    model = serializers.CharField(required=False, max_length=200)
    conversation = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(required=False, choices=Prompt.Status.values)
    tag = TagNameField(required=False, trim_whitespace=False)
    template = serializers.CharField(required=False, max_length=100)

    def validate_q(self, value: str) -> str:
        if len(value) > settings.SEARCH_QUERY_MAX_CHARS:
            raise serializers.ValidationError(
                f'query parameter "q" must be at most {settings.SEARCH_QUERY_MAX_CHARS} characters'
            )
        if not value.strip():
            raise serializers.ValidationError('query parameter "q" is required')
        return value.strip()

    def validate(self, attrs: dict) -> dict:
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"since": "must not be after until"})
        return attrs


class HighlightSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset of the first marked character in `text`.")
    end = serializers.IntegerField(help_text="Offset just after the last marked character.")


class SnippetSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["prompt", "answer"], help_text="Which text the snippet is from.")
    text = serializers.CharField(help_text="Plain text (never markup).")
    highlights = HighlightSerializer(many=True, help_text="The query's words in `text`, by character offsets.")


class SearchHitSerializer(serializers.ModelSerializer):
    """A turn as GET /prompts/{id}/ shows it, without the embedding, and why it matched."""

    metadata = PromptMetadataSerializer(read_only=True)
    conversation = ConversationRefSerializer(read_only=True, allow_null=True)
    score = serializers.FloatField(read_only=True, help_text="Reciprocal rank fusion score; higher is better.")
    keyword_rank = serializers.IntegerField(read_only=True, allow_null=True, help_text="1 = best keyword match.")
    semantic_rank = serializers.IntegerField(read_only=True, allow_null=True, help_text="1 = closest in meaning.")
    similarity = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Cosine similarity to the query when found by meaning."
    )
    matched = serializers.ListField(
        child=serializers.ChoiceField(choices=["prompt", "answer"]), read_only=True, help_text="What matched."
    )
    snippet = SnippetSerializer(read_only=True)

    class Meta:
        model = Prompt
        fields = [
            "id",
            "user",
            "text",
            "response",
            "status",
            "created_at",
            "metadata",
            "conversation",
            "parent",
            "score",
            "keyword_rank",
            "semantic_rank",
            "similarity",
            "matched",
            "snippet",
        ]

    def to_representation(self, instance) -> dict:
        prompt = instance.prompt
        prompt.score = instance.ranked.score
        prompt.keyword_rank = instance.ranked.keyword_rank
        prompt.semantic_rank = instance.ranked.semantic_rank
        prompt.similarity = instance.ranked.similarity
        prompt.matched = instance.matched
        prompt.snippet = instance.snippet.as_dict()
        return super().to_representation(prompt)
