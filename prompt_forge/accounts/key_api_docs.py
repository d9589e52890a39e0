"""OpenAPI descriptions of the API key endpoints."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from .key_serializers import CreatedKeySerializer, KeyCreateSerializer, KeySerializer


class KeyErrorsSerializer(docs.FieldErrorsSerializer):
    error = serializers.CharField(required=False, help_text="Set when the user already holds the most keys.")
    limit = serializers.IntegerField(required=False)
    name = serializers.ListField(child=serializers.CharField(), required=False)
    scopes = serializers.JSONField(required=False, help_text="Messages per invalid scope, or a list of messages.")
    expires_in_days = serializers.ListField(child=serializers.CharField(), required=False)
    quota_tokens_per_day = serializers.ListField(child=serializers.CharField(), required=False)
    quota_tokens_per_month = serializers.ListField(child=serializers.CharField(), required=False)


LOGIN_ONLY = {403: OpenApiResponse(docs.ErrorSerializer, "Made with an API key: only a login manages keys.")}
COMMON = {**docs.UNAUTHENTICATED, **LOGIN_ONLY, **docs.ALWAYS}

key_list_schema = extend_schema(
    tags=["api keys"],
    summary="Your active API keys (never their secrets)",
    responses={200: KeySerializer(many=True), **COMMON},
)
key_create_schema = extend_schema(
    tags=["api keys"],
    summary="Create an API key: the secret is in this response only",
    request=KeyCreateSerializer,
    responses={
        201: CreatedKeySerializer,
        400: OpenApiResponse(KeyErrorsSerializer, "Invalid fields, or too many keys."),
        **docs.UNSUPPORTED_MEDIA,
        **COMMON,
    },
)
key_revoke_schema = extend_schema(
    tags=["api keys"],
    summary="Revoke an API key at once",
    responses={
        204: OpenApiResponse(description="Revoked."),
        404: OpenApiResponse(docs.DetailSerializer, "No such active key among yours."),
        **COMMON,
    },
)
