"""OpenAPI descriptions of the template endpoints (applied to the views as decorators)."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from .inputs import LABEL, NAME
from .serializers import (
    DiffSerializer,
    LabelSerializer,
    TemplateDetailSerializer,
    TemplateSerializer,
    VersionSerializer,
)

PARAMS_SCHEMA = {
    "type": "object",
    "description": "Default sampling parameters of a run: temperature, top_p, max_new_tokens, stop, seed.",
    "properties": {
        "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        "top_p": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1},
        "max_new_tokens": {"type": "integer", "minimum": 1, "maximum": settings.GENERATION_MAX_NEW_TOKENS},
        "seed": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "stop": {
            "oneOf": [
                {"type": "string", "minLength": 1, "maxLength": 64},
                {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64}, "maxItems": 4},
            ]
        },
    },
    "additionalProperties": False,
    "nullable": True,
}


@extend_schema_field(PARAMS_SCHEMA)
class ParamsField(serializers.JSONField):
    pass


class VersionCreateSerializer(serializers.Serializer):
    content = serializers.CharField(
        max_length=settings.PROMPT_MAX_CHARS, help_text="The prompt, with {{ variable }} placeholders."
    )
    system = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=settings.PROMPT_MAX_CHARS,
        help_text="System prompt of a run (null: as in the latest version).",
    )
    params = ParamsField(required=False)


class TemplateCreateSerializer(VersionCreateSerializer):
    name = serializers.RegexField(NAME.pattern, help_text="Unique among your templates; used in URLs.")


class LabelSetSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class TemplatePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TemplateSerializer(many=True)


TAGS = ["templates"]
BAD_REQUEST = {400: OpenApiResponse(docs.BadRequestSerializer, "Invalid input: `error` says what.")}
NOT_FOUND = {404: OpenApiResponse(docs.DetailSerializer, "No such template (or version, or label) among yours.")}
CONFLICT = {409: OpenApiResponse(docs.ErrorSerializer, "A template of that name already exists.")}
READ = {**docs.UNAUTHENTICATED, **docs.ALWAYS}
WRITE = {**BAD_REQUEST, **docs.UNAUTHENTICATED, **docs.UNSUPPORTED_MEDIA, **docs.ALWAYS}
NAME_PARAM = OpenApiParameter(
    "name", {"type": "string", "pattern": NAME.pattern}, OpenApiParameter.PATH, description="Template name."
)
NUMBER_PARAM = OpenApiParameter(
    "number", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="Version number."
)
LABEL_PARAM = OpenApiParameter(
    "label", {"type": "string", "pattern": LABEL.pattern}, OpenApiParameter.PATH, description="Label, e.g. production."
)
PAGE = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1}, description="Page size (default 20, capped at 100)."),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0}, description="Templates to skip (default 0)."),
]
DIFF = [
    OpenApiParameter("from", {"type": "integer", "minimum": 1}, required=True, description="Older version."),
    OpenApiParameter("to", {"type": "integer", "minimum": 1}, required=True, description="Newer version."),
]

list_schema = extend_schema(
    operation_id="templates_list",
    tags=TAGS,
    summary="Your templates, by name",
    parameters=PAGE,
    responses={200: TemplatePageSerializer, **BAD_REQUEST, **READ},
)
create_schema = extend_schema(
    operation_id="templates_create",
    tags=TAGS,
    summary="A new template (its version 1)",
    request=TemplateCreateSerializer,
    responses={201: TemplateDetailSerializer, **WRITE, **CONFLICT},
)
retrieve_schema = extend_schema(
    operation_id="templates_retrieve",
    tags=TAGS,
    summary="A template with its versions and labels",
    parameters=[NAME_PARAM],
    responses={200: TemplateDetailSerializer, **NOT_FOUND, **READ},
)
delete_schema = extend_schema(
    operation_id="templates_destroy",
    tags=TAGS,
    summary="Delete a template, its versions and labels (answers already given keep their record)",
    parameters=[NAME_PARAM],
    responses={204: OpenApiResponse(description="Deleted."), **NOT_FOUND, **READ},
)
version_create_schema = extend_schema(
    operation_id="templates_versions_create",
    tags=TAGS,
    summary="The template's next version (system and params default to the latest version's)",
    parameters=[NAME_PARAM],
    request=VersionCreateSerializer,
    responses={201: VersionSerializer, **NOT_FOUND, **WRITE, **CONFLICT},
)
version_schema = extend_schema(
    operation_id="templates_versions_retrieve",
    tags=TAGS,
    summary="One version of a template",
    parameters=[NAME_PARAM, NUMBER_PARAM],
    responses={200: VersionSerializer, **NOT_FOUND, **READ},
)
diff_schema = extend_schema(
    operation_id="templates_diff",
    tags=TAGS,
    summary="A unified diff between two versions",
    parameters=[NAME_PARAM, *DIFF],
    responses={200: DiffSerializer, **BAD_REQUEST, **NOT_FOUND, **READ},
)
label_set_schema = extend_schema(
    operation_id="templates_labels_update",
    tags=TAGS,
    summary="Point a label at a version (moving it back is the rollback)",
    parameters=[NAME_PARAM, LABEL_PARAM],
    request=LabelSetSerializer,
    responses={200: LabelSerializer, **NOT_FOUND, **WRITE},
)
label_delete_schema = extend_schema(
    operation_id="templates_labels_destroy",
    tags=TAGS,
    summary="Remove a label",
    parameters=[NAME_PARAM, LABEL_PARAM],
    responses={204: OpenApiResponse(description="Removed."), **BAD_REQUEST, **NOT_FOUND, **READ},
)
