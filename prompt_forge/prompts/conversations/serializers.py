"""JSON shapes of conversations and turns, and validation of their request bodies."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..feedback.serializers import FeedbackSerializer, feedback_data
from ..inputs import parse_model
from ..serializers import PromptMetadataSerializer
from . import tags
from .errors import InvalidConversationRequestError
from .models import Conversation

TITLE_INPUT_MAX = 200


class ConversationSerializer(serializers.ModelSerializer):
    turn_count = serializers.IntegerField(read_only=True, default=0)
    tags = serializers.SerializerMethodField(help_text="The conversation's tags, by name.")

    class Meta:
        model = Conversation
        fields = [
            "id",
            "title",
            "created_at",
            "updated_at",
            "turn_count",
            "pinned",
            "archived",
            "active_turn",
            "tags",
            "model",
        ]

    def get_tags(self, conversation: Conversation) -> list[str]:
        return sorted(tag.name for tag in conversation.tags.all())


class ScoredConversationSerializer(ConversationSerializer):
    # Present only when the list is searched (`q`): not required in the documented shape.
    # Output only, yet not read_only: the schema marks read-only fields as always present.
    score = serializers.FloatField(required=False)
    best_turn = serializers.IntegerField(required=False)

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "score", "best_turn"]


class TurnSerializer(serializers.Serializer):
    """A turn in the prompt shape, without the embedding vector, plus its place in the tree."""

    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    text = serializers.CharField()
    response = serializers.CharField()
    created_at = serializers.DateTimeField()
    metadata = PromptMetadataSerializer()
    embedding = serializers.SerializerMethodField()
    conversation = serializers.IntegerField(source="conversation_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    siblings = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, turn) -> dict | None:
        return feedback_data(turn)

    def get_embedding(self, turn) -> dict | None:
        embedding = getattr(turn, "embedding", None)  # a failed turn has none
        return {"model_name": embedding.model_name} if embedding is not None else None

    def get_siblings(self, turn) -> list[int]:
        return self.context.get("siblings", {}).get(turn.pk, [turn.pk])


def thread_data(thread) -> dict:
    """GET /conversations/{id}/: the conversation, its system prompt and the active path's turns."""
    conversation = thread.conversation
    data = ConversationSerializer(conversation).data
    data["turn_count"] = thread.turn_count
    data["system"] = conversation.system
    data["turns"] = TurnSerializer(thread.turns, many=True, context={"siblings": thread.siblings}).data
    return data


def _string(data: dict, name: str, limit: int) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise InvalidConversationRequestError(f"{name} must be a string")
    value = value.strip()
    if len(value) > limit:
        raise InvalidConversationRequestError(f"{name} must be at most {limit} characters")
    return value


def _flag(data: dict, name: str) -> bool:
    if not isinstance(data[name], bool):
        raise InvalidConversationRequestError(f"{name} must be true or false")
    return data[name]


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise InvalidConversationRequestError("request body must be a JSON object")
    return data


def _model(data: dict) -> str:
    """A conversation's model: a configured name (UnknownModelError, 400, lists them), or ""/null: the default."""
    value = data["model"]
    return "" if value is None or value == "" else parse_model(value) or ""


def parse_create(data) -> dict:
    """POST /conversations/: {"title"?, "system"?, "model"?}."""
    data = _object(data)
    unknown = sorted(set(data) - {"title", "system", "model"})
    if unknown:
        raise InvalidConversationRequestError(f"unknown field: {unknown[0]}")
    return {
        "title": _string(data, "title", TITLE_INPUT_MAX) if "title" in data else "",
        "system": _string(data, "system", settings.PROMPT_MAX_CHARS) if "system" in data else "",
        "model": _model(data) if "model" in data else "",
    }


def parse_update(data) -> dict:
    """PATCH /conversations/{id}/: any of title, system, pinned, archived, active_turn, tags."""
    data = _object(data)
    fields = {"title", "system", "pinned", "archived", "active_turn", "tags", "model"}
    unknown = sorted(set(data) - fields)
    if unknown:
        raise InvalidConversationRequestError(f"unknown field: {unknown[0]}")
    changes = {}
    if "title" in data:
        changes["title"] = _string(data, "title", TITLE_INPUT_MAX)
    if "system" in data:
        changes["system"] = _string(data, "system", settings.PROMPT_MAX_CHARS)
    if "model" in data:
        changes["model"] = _model(data)
    for name in ("pinned", "archived"):
        if name in data:
            changes[name] = _flag(data, name)
    if "active_turn" in data:
        value = data["active_turn"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidConversationRequestError("active_turn must be a turn id")
        changes["active_turn"] = value
    if "tags" in data:
        changes["tags"] = tags.clean_names(data["tags"])
    return changes


class TagNameField(serializers.CharField):
    """A tag name in a query string, checked by the same rules as a tag being set."""

    def to_internal_value(self, data) -> str:
        try:
            return tags.clean_name(super().to_internal_value(data))
        except InvalidConversationRequestError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ThreadQuerySerializer(serializers.Serializer):
    """GET /conversations/{id}/?turn=: show the path through this turn (a search hit's)."""

    turn = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ListQuerySerializer(serializers.Serializer):
    """GET /conversations/: limit, offset, archived (false by default; "all" for both) and q."""

    limit = serializers.IntegerField(required=False, min_value=1)
    offset = serializers.IntegerField(required=False, min_value=0)
    archived = serializers.ChoiceField(choices=["true", "false", "all"], required=False, default="false")
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    template = serializers.CharField(required=False, max_length=100)
    tag = TagNameField(required=False, trim_whitespace=False)

    def validate_q(self, value: str) -> str:
        if len(value) > settings.SEARCH_QUERY_MAX_CHARS:
            raise serializers.ValidationError(
                f'query parameter "q" must be at most {settings.SEARCH_QUERY_MAX_CHARS} characters'
            )
        return value.strip()
