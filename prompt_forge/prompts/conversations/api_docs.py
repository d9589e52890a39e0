"""OpenAPI descriptions of the conversation endpoints (applied to the views as decorators)."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers

from prompt_forge.common import openapi as docs

from ..api_docs import BAD_REQUEST, PromptCreateSerializer
from ..serializers import PromptSerializer
from .models import TAG_NAME_MAX, TAGS_PER_CONVERSATION
from .serializers import TITLE_INPUT_MAX, ConversationSerializer, ScoredConversationSerializer, TurnSerializer


class ConversationCreateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_INPUT_MAX)
    system = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.PROMPT_MAX_CHARS, help_text="The system prompt."
    )
    model = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The model its turns are answered with (GET /v1/models); empty or null: the server's default.",
    )


TAG_PATTERN = r"^[^/\u0000-\u001f\u007f-\u009f]*$"  # no '/' and no control characters
TAG_NAME = {"type": "string", "minLength": 1, "maxLength": TAG_NAME_MAX, "pattern": TAG_PATTERN}


@extend_schema_field({"type": "array", "items": TAG_NAME, "maxItems": TAGS_PER_CONVERSATION})
class TagsField(serializers.JSONField):
    pass


class ConversationUpdateSerializer(ConversationCreateSerializer):
    tags = TagsField(required=False, help_text="The conversation's tags, replacing the ones it had.")
    pinned = serializers.BooleanField(required=False)
    archived = serializers.BooleanField(required=False)
    active_turn = serializers.IntegerField(required=False, help_text="A turn of this conversation: its path is shown.")


class ConversationDetailSerializer(ConversationSerializer):
    system = serializers.CharField()
    turns = TurnSerializer(many=True, help_text="The active path, first turn to active leaf.")

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "system", "turns"]


class ConversationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True, required=False)
    previous = serializers.URLField(allow_null=True, required=False)
    results = ScoredConversationSerializer(many=True, help_text="`score` and `best_turn` only with `q`.")


class TurnCreateSerializer(PromptCreateSerializer):
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="The turn this one answers (default: the active leaf)."
    )


class RegenerateSerializer(PromptCreateSerializer):
    prompt = None  # the turn's own prompt is answered again
    send_via_websocket = None
    stream = None
    use_cache = None


class ExportTurnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    prompt = serializers.CharField(allow_blank=True)
    response = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    model_used = serializers.CharField(allow_blank=True)
    supplied_by_client = serializers.BooleanField()


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    system = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    pinned = serializers.BooleanField()
    archived = serializers.BooleanField()
    active_turn = serializers.IntegerField(allow_null=True)
    turns = ExportTurnSerializer(many=True, help_text="Every turn of the tree, parents before children.")


class ImportBadRecordSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    title = serializers.CharField(allow_null=True)
    error = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    already_imported = serializers.IntegerField()
    turns = serializers.IntegerField()
    bad = ImportBadRecordSerializer(many=True)


TAGS = ["conversations"]
NOT_FOUND = {404: OpenApiResponse(docs.DetailSerializer, "No such conversation (or turn) among yours.")}
READ = {**docs.UNAUTHENTICATED, **docs.ALWAYS}
WRITE = {**BAD_REQUEST, **docs.UNAUTHENTICATED, **docs.UNSUPPORTED_MEDIA, **docs.ALWAYS}
TURN = {**WRITE, **NOT_FOUND, **docs.THROTTLED, **docs.MODEL_FAILED}
ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Conversation id.")]
TURN_ID = [OpenApiParameter("turn", OpenApiTypes.INT, OpenApiParameter.PATH, description="Turn (prompt) id.")]
LIST = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1}, description="Page size (default 20, at most 100)."),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0}, description="Conversations to skip."),
    OpenApiParameter("archived", {"type": "string", "enum": ["true", "false", "all"]}, description="Default false."),
    OpenApiParameter(
        "q", {"type": "string", "maxLength": settings.SEARCH_QUERY_MAX_CHARS}, description="Rank by meaning."
    ),
    OpenApiParameter(
        "template",
        {"type": "string", "minLength": 1, "maxLength": 100},
        description="Only conversations with a turn that ran this template.",
    ),
    OpenApiParameter("tag", TAG_NAME, description="Only conversations carrying this tag of yours."),
]

list_schema = extend_schema(
    operation_id="conversations_list",
    tags=TAGS,
    summary="Your conversations: pinned first, then most recently updated (or ranked by q)",
    parameters=LIST,
    responses={200: ConversationPageSerializer, **BAD_REQUEST, **READ},
)
create_schema = extend_schema(
    operation_id="conversations_create",
    tags=TAGS,
    summary="Start an empty conversation",
    request=ConversationCreateSerializer,
    responses={201: ConversationDetailSerializer, **WRITE},
)
retrieve_schema = extend_schema(
    operation_id="conversations_retrieve",
    tags=TAGS,
    summary="A conversation with its active path (or the path through `turn`)",
    parameters=[
        *ID,
        OpenApiParameter(
            "turn",
            {"type": "integer", "minimum": 1},
            description="A turn of this conversation: the path shown goes through it (the active one if it does).",
        ),
    ],
    responses={200: ConversationDetailSerializer, **BAD_REQUEST, **NOT_FOUND, **READ},
)
update_schema = extend_schema(
    operation_id="conversations_partial_update",
    tags=TAGS,
    summary="Rename, pin, archive, tag, change the system prompt or switch the active turn",
    parameters=ID,
    request=ConversationUpdateSerializer,
    responses={200: ConversationDetailSerializer, **NOT_FOUND, **WRITE},
)
delete_schema = extend_schema(
    operation_id="conversations_destroy",
    tags=TAGS,
    summary="Delete a conversation and all its turns",
    parameters=ID,
    responses={204: OpenApiResponse(description="Deleted."), **NOT_FOUND, **READ},
)
turn_schema = extend_schema(
    operation_id="conversations_turns_create",
    tags=TAGS,
    summary="Answer a new turn with the conversation's earlier turns as context",
    parameters=ID,
    request=TurnCreateSerializer,
    responses={201: PromptSerializer, **TURN},
)
regenerate_schema = extend_schema(
    operation_id="conversations_turns_regenerate",
    tags=TAGS,
    summary="A new answer to a turn's prompt, as its sibling",
    parameters=ID + TURN_ID,
    request=RegenerateSerializer,
    responses={201: PromptSerializer, **TURN},
)
export_schema = extend_schema(
    operation_id="conversations_export",
    tags=TAGS,
    summary="Download a conversation: its active path as Markdown, or its whole tree as JSON",
    parameters=[
        *ID,
        OpenApiParameter("format", {"type": "string", "enum": ["json", "markdown"]}, description="Default json."),
    ],
    responses={
        (200, "application/json"): ExportSerializer,
        (200, "text/markdown"): OpenApiTypes.STR,
        **BAD_REQUEST,
        **NOT_FOUND,
        **READ,
    },
)
export_all_schema = extend_schema(
    operation_id="conversations_export_all",
    tags=TAGS,
    summary="Download all your conversations (a JSON array, streamed)",
    responses={200: ExportSerializer(many=True), **READ},
)
import_schema = extend_schema(
    operation_id="conversations_import",
    tags=TAGS,
    summary="Import a ChatGPT (conversations.json) or Open WebUI chat export",
    parameters=[
        OpenApiParameter("format", {"type": "string", "enum": ["chatgpt", "openwebui"]}, required=True),
    ],
    request={
        "multipart/form-data": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"],
        }
    },
    responses={
        201: ImportReportSerializer,
        200: OpenApiResponse(ImportReportSerializer, "Nothing new (imported before, or only bad records)."),
        **BAD_REQUEST,
        **docs.UNAUTHENTICATED,
        413: OpenApiResponse(docs.ErrorSerializer, "The file is larger than CONVERSATION_IMPORT_MAX_BYTES."),
        415: OpenApiResponse(docs.DetailSerializer, "The body is not multipart/form-data."),
        503: OpenApiResponse(docs.ErrorSerializer, "The database or the embedding model is unavailable."),
    },
)


class TagCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="How many of your conversations carry it.")


class TagRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=TAG_NAME_MAX, help_text="The new name (an existing tag: merged into it).")


TAG_PATH = [OpenApiParameter("name", TAG_NAME, OpenApiParameter.PATH, description="The tag's name.")]
NO_SUCH_TAG = {404: OpenApiResponse(docs.DetailSerializer, "You have no tag of that name.")}

tag_list_schema = extend_schema(
    operation_id="tags_list",
    tags=TAGS,
    summary="Your tags, by name, with how many conversations carry each",
    responses={200: TagCountSerializer(many=True), **READ},
)
tag_rename_schema = extend_schema(
    operation_id="tags_partial_update",
    tags=TAGS,
    summary="Rename a tag on all your conversations (merging it into an existing tag of that name)",
    parameters=TAG_PATH,
    request=TagRenameSerializer,
    responses={200: TagCountSerializer, **NO_SUCH_TAG, **WRITE},
)
tag_delete_schema = extend_schema(
    operation_id="tags_destroy",
    tags=TAGS,
    summary="Remove a tag from all your conversations",
    parameters=TAG_PATH,
    responses={204: OpenApiResponse(description="Deleted."), **NO_SUCH_TAG, **READ},
)
