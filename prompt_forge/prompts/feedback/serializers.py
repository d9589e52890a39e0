"""JSON shapes of feedback and template stats."""

from rest_framework import serializers

from .models import PromptFeedback


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromptFeedback
        fields = ["rating", "comment", "updated_at"]


def feedback_data(prompt) -> dict | None:
    """A prompt's feedback, or None (select_related("feedback") makes this free in lists)."""
    feedback = getattr(prompt, "feedback", None)
    return FeedbackSerializer(feedback).data if feedback is not None else None


class StatsRowSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    model = serializers.CharField()
    count = serializers.IntegerField(help_text="Answered runs.")
    up = serializers.IntegerField()
    down = serializers.IntegerField()
    cache_hits = serializers.IntegerField(help_text="Runs answered from the semantic cache (not in the means).")
    mean_prompt_tokens = serializers.FloatField(allow_null=True)
    mean_completion_tokens = serializers.FloatField(allow_null=True)
    mean_latency_ms = serializers.FloatField(allow_null=True, help_text="Mean generation time.")


class StatsSerializer(serializers.Serializer):
    template = serializers.CharField()
    stats = StatsRowSerializer(many=True)
