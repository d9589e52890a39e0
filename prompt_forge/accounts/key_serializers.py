"""API key request and response bodies."""

from rest_framework import serializers

from prompt_forge.common.fields import StrictCharField

from .models import ApiKey
from .scopes import ALL_SCOPES

MAX_EXPIRY_DAYS = 3650


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: "5" or 5.0 are refused, not converted."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class KeyCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ALL_SCOPES), allow_empty=False, max_length=len(ALL_SCOPES)
    )
    expires_in_days = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_EXPIRY_DAYS)
    quota_tokens_per_day = StrictIntegerField(
        required=False, allow_null=True, min_value=1, help_text="A daily token budget lower than yours."
    )
    quota_tokens_per_month = StrictIntegerField(
        required=False, allow_null=True, min_value=1, help_text="A monthly token budget lower than yours."
    )


class KeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ALL_SCOPES))

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "last_used_at",
            "quota_tokens_per_day",
            "quota_tokens_per_month",
        ]


class CreatedKeySerializer(KeySerializer):
    key = serializers.CharField(help_text="The secret, shown this once: send it as `Authorization: Bearer pf_...`.")

    class Meta(KeySerializer.Meta):
        fields = ["key", *KeySerializer.Meta.fields]
