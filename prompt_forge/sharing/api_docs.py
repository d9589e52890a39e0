"""OpenAPI descriptions of share links."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from .inputs import MAX_DAYS
from .serializers import NewShareSerializer, ShareLinkSerializer


class ShareRequestSerializer(serializers.Serializer):
    expires_in_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_DAYS,
        help_text="Days until the link stops working (default SHARE_LINK_DAYS; null: until revoked).",
    )


class SharePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ShareLinkSerializer(many=True)


TAGS = ["sharing"]
CONVERSATION_ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Conversation id.")]
SHARE_ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Share link id.")]
NOT_FOUND = {404: OpenApiResponse(docs.DetailSerializer, "No such conversation (or link) among yours.")}
BAD_REQUEST = {400: OpenApiResponse(docs.BadRequestSerializer, "Invalid input: `error` says what.")}
PAGE = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1}, description="Page size (default 20, capped at 100)."),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0}, description="Links to skip (default 0)."),
]

share_create_schema = extend_schema(
    operation_id="conversations_share_create",
    tags=TAGS,
    summary="A read-only link to your conversation (anyone with it can read the active path, no login)",
    parameters=CONVERSATION_ID,
    request=ShareRequestSerializer,
    responses={
        201: NewShareSerializer,
        **BAD_REQUEST,
        **NOT_FOUND,
        **docs.UNAUTHENTICATED,
        **docs.UNSUPPORTED_MEDIA,
        **docs.ALWAYS,
    },
)
share_revoke_schema = extend_schema(
    operation_id="conversations_share_destroy",
    tags=TAGS,
    summary="Revoke every link to your conversation at once",
    parameters=CONVERSATION_ID,
    responses={204: OpenApiResponse(description="Revoked."), **NOT_FOUND, **docs.UNAUTHENTICATED, **docs.ALWAYS},
)
share_list_schema = extend_schema(
    operation_id="shares_list",
    tags=TAGS,
    summary="Your share links, newest first",
    parameters=PAGE,
    responses={200: SharePageSerializer, **BAD_REQUEST, **docs.UNAUTHENTICATED, **docs.ALWAYS},
)
share_delete_schema = extend_schema(
    operation_id="shares_destroy",
    tags=TAGS,
    summary="Revoke one of your share links",
    parameters=SHARE_ID,
    responses={204: OpenApiResponse(description="Revoked."), **NOT_FOUND, **docs.UNAUTHENTICATED, **docs.ALWAYS},
)
