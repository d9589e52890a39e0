"""OpenAPI descriptions of the account endpoints (applied to the views as decorators)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from .serializers import SignUpSerializer


class BearerScheme(SimpleJWTScheme):
    """accounts.authentication.BearerAuthentication is documented as simplejwt's scheme ("jwtAuth")."""

    target_class = "prompt_forge.accounts.authentication.BearerAuthentication"


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`; short-lived.")
    refresh = serializers.CharField(help_text="Exchange at /api/token/refresh/; revoke at /api/logout/.")


class RefreshRequestSerializer(serializers.Serializer):
    refresh = serializers.CharField()


def _common(errors) -> dict:
    return {
        400: OpenApiResponse(errors, "Invalid or missing fields, or a body that is not valid JSON."),
        **docs.UNSUPPORTED_MEDIA,
        **docs.THROTTLED,
        **docs.ALWAYS,
    }


INVALID_TOKEN = {401: OpenApiResponse(docs.DetailSerializer, "Token is invalid or expired (or revoked).")}

signup_schema = extend_schema(
    tags=["accounts"],
    summary="Create an account",
    request=SignUpSerializer,
    responses={201: docs.MessageSerializer, **_common(docs.SignUpErrorsSerializer)},
    auth=[],
)
token_schema = extend_schema(
    tags=["accounts"],
    summary="Log in: obtain an access and a refresh token",
    request=CredentialsSerializer,
    responses={
        200: TokenPairSerializer,
        401: OpenApiResponse(docs.DetailSerializer, "No active account found with the given credentials."),
        **_common(docs.CredentialsErrorsSerializer),
    },
    auth=[],
)
refresh_schema = extend_schema(
    tags=["accounts"],
    summary="Exchange a refresh token for new tokens (the one sent is revoked)",
    request=RefreshRequestSerializer,
    responses={200: TokenPairSerializer, **INVALID_TOKEN, **_common(docs.RefreshErrorsSerializer)},
    auth=[],
)
logout_schema = extend_schema(
    tags=["accounts"],
    summary="Log out: revoke a refresh token",
    request=RefreshRequestSerializer,
    responses={200: docs.MessageSerializer, **INVALID_TOKEN, **_common(docs.RefreshErrorsSerializer)},
    auth=[],
)
