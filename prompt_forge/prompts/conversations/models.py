"""A conversation: the owner's thread of turns (prompts), with a system prompt and an active leaf."""

from django.conf import settings
from django.db import models
from django.utils import timezone

TITLE_MAX = 60
TAG_NAME_MAX = 40  # characters
TAGS_PER_CONVERSATION = 20
TAGS_PER_USER = 500


class Tag(models.Model):
    """A label of the owner's own choosing; conversations carry any number of them (bounded)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=TAG_NAME_MAX)

    class Meta:
        app_label = "prompts"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="tag_user_name")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.name}"


class Conversation(models.Model):
    class TitleSource(models.TextChoices):
        WORDS = "words"  # the first prompt's first words, until the model writes a better one
        MODEL = "model"
        USER = "user"  # set by the owner (or an import): never overwritten

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=200, blank=True, default="")
    title_source = models.CharField(max_length=8, choices=TitleSource.choices, default=TitleSource.WORDS)
    system = models.TextField(blank=True, default="")
    # The model (by catalog name, MODELS) its turns are answered with unless a turn names one; "": the default.
    model = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    pinned = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    # The leaf whose path the conversation shows and continues; null: its newest turn.
    active_turn = models.ForeignKey(
        "prompts.Prompt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by `manage.py import_conversations`: a re-run of the same export adds nothing.
    import_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")

    class Meta:
        app_label = "prompts"
        ordering = ["-pinned", "-updated_at", "-id"]
        indexes = [
            models.Index(fields=["user", "archived", "-pinned", "-updated_at", "-id"], name="conversation_user_list")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "import_key"], condition=~models.Q(import_key=""), name="conversation_import_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title or '(untitled)'}"
