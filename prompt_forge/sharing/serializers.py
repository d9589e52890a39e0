"""JSON shapes of share links (the owner's view) and of a shared conversation (the public view)."""

from rest_framework import serializers

from .models import ShareLink


class PageQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1)
    offset = serializers.IntegerField(required=False, min_value=0)


class SharedConversationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ShareLinkSerializer(serializers.ModelSerializer):
    conversation = SharedConversationRefSerializer()
    expired = serializers.BooleanField()

    class Meta:
        model = ShareLink
        fields = ["id", "conversation", "created_at", "expires_at", "expired"]


class NewShareSerializer(ShareLinkSerializer):
    url = serializers.URLField(help_text="The link: shown once (only a hash of its token is kept).")

    class Meta(ShareLinkSerializer.Meta):
        fields = [*ShareLinkSerializer.Meta.fields, "url"]


class PublicTurnSerializer(serializers.Serializer):
    prompt = serializers.CharField()
    response = serializers.CharField()
    model = serializers.CharField()
    created_at = serializers.DateTimeField()


class PublicThreadSerializer(serializers.Serializer):
    title = serializers.CharField()
    turns = PublicTurnSerializer(many=True)
