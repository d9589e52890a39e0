"""OpenAPI description helpers: the error bodies every endpoint can return, and the path filter.

The shapes here are the ones the exception handler, the middleware and the views really send;
the Schemathesis test in tests/ checks every response of every documented operation against them.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="What was wrong with the request, or what is unavailable.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="Machine-readable reason, e.g. token_not_valid.")
    messages = serializers.ListField(child=serializers.DictField(), required=False)


class BadRequestSerializer(serializers.Serializer):
    """400: `error` for invalid prompt input, `detail` for an unparsable body, or per-field lists."""

    error = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)


def _messages() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False)


class FieldErrorsSerializer(serializers.Serializer):
    """400 from the account endpoints: a list of messages per invalid field (`detail` for a bad body)."""

    detail = serializers.CharField(required=False, help_text="Set instead when the body is not valid JSON.")
    non_field_errors = _messages()


class SignUpErrorsSerializer(FieldErrorsSerializer):
    username = _messages()
    email = _messages()
    password = _messages()


class CredentialsErrorsSerializer(FieldErrorsSerializer):
    username = _messages()
    password = _messages()


class RefreshErrorsSerializer(FieldErrorsSerializer):
    refresh = _messages()


class ModelFailureSerializer(serializers.Serializer):
    error = serializers.CharField()
    prompt_id = serializers.IntegerField(required=False, help_text="The saved prompt (status failed).")
    reason = serializers.CharField(required=False)
    retry = serializers.CharField(required=False, help_text="How to answer the saved prompt later.")


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


def _response(serializer, description: str) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


class ForbiddenSerializer(serializers.Serializer):
    error = serializers.CharField()
    required_scope = serializers.CharField(required=False, help_text="The scope the API key lacks.")


# Every authenticated endpoint: a missing or bad credential, or an API key without the scope it needs.
UNAUTHENTICATED = {
    401: _response(DetailSerializer, "Missing, invalid, expired or revoked access token or API key."),
    403: _response(ForbiddenSerializer, "An API key without the scope this endpoint needs (named)."),
}
TOO_LARGE = {413: _response(ErrorSerializer, "Request body larger than MAX_REQUEST_BYTES.")}
UNSUPPORTED_MEDIA = {415: _response(DetailSerializer, "The body is not application/json.")}
THROTTLED = {429: _response(DetailSerializer, "Rate limit reached; see the Retry-After header.")}
DATABASE_DOWN = {503: _response(ErrorSerializer, "The database is unavailable; see Retry-After.")}
NOT_FOUND = {404: _response(DetailSerializer, "No such prompt among yours (another user's id answers the same).")}
MODEL_FAILED = {
    502: _response(ModelFailureSerializer, "The remote inference server failed; the prompt is kept."),
    503: _response(
        ModelFailureSerializer, "The model or the database is unavailable (a new prompt is kept), or too busy."
    ),
    504: _response(ModelFailureSerializer, "The model did not answer within GENERATION_TIMEOUT_S; prompt kept."),
}

# Responses any request can get, whatever the endpoint.
ALWAYS = {**TOO_LARGE, **DATABASE_DOWN}


def slash_paths_only(endpoints):
    """Every route exists with and without its trailing slash; document each operation once."""
    return [endpoint for endpoint in endpoints if endpoint[0].endswith("/")]
