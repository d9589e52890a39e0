"""A user's prompt history: the prompt, the model's answer, its embedding and metadata."""

import numpy as np
from django.conf import settings
from django.db import models
from django.utils import timezone

from .conversations.models import Conversation, Tag
from .feedback.models import PromptFeedback

__all__ = ["Conversation", "Prompt", "PromptEmbedding", "PromptFeedback", "PromptMetadata", "Tag"]


class Prompt(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        COMPLETED = "completed"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompts")
    text = models.TextField()
    response = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # A default rather than auto_now_add, so an imported history keeps its original dates.
    created_at = models.DateTimeField(default=timezone.now)
    # Set by `manage.py import_prompts`: a hash of the imported line, so a re-run adds no duplicates.
    import_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # A prompt is a turn of a conversation; editing or regenerating adds a sibling under the same parent.
    conversation = models.ForeignKey(
        "prompts.Conversation", on_delete=models.CASCADE, null=True, blank=True, related_name="turns"
    )
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="prompt_user_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "import_key"], condition=~models.Q(import_key=""), name="prompt_user_import_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text[:60]}"


class PromptEmbedding(models.Model):
    """The prompt's embedding, stored as raw little-endian float32 bytes (same on SQLite and PostgreSQL),
    and its answer's, by the same model (null while there is no answer text): /search/ finds a turn by
    what its answer says too."""

    prompt = models.OneToOneField(Prompt, on_delete=models.CASCADE, related_name="embedding")
    # Denormalised owner so the search index can be checked and rebuilt per user without a join.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model_name = models.CharField(max_length=200)
    vector = models.BinaryField()
    answer_vector = models.BinaryField(null=True, blank=True)

    class Meta:
        # Covers the per-user, per-model count and id sum the search index is verified against.
        indexes = [models.Index(fields=["user", "model_name", "prompt"], name="embedding_user_model_prompt")]

    def __str__(self) -> str:
        return f"{self.model_name} for prompt {self.prompt_id}"

    @staticmethod
    def encode(vector: np.ndarray) -> bytes:
        return np.asarray(vector, dtype="<f4").tobytes()

    @staticmethod
    def encode_optional(vector: np.ndarray | None) -> bytes | None:
        return None if vector is None else PromptEmbedding.encode(vector)

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype="<f4")

    def as_list(self) -> list[float]:
        return self.as_array().tolist()


class PromptMetadata(models.Model):
    prompt = models.OneToOneField(Prompt, on_delete=models.CASCADE, related_name="metadata")
    model_used = models.CharField(max_length=200, blank=True, default="")
    sent_via_websocket = models.BooleanField(default=False)
    extra_info = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "prompt metadata"

    def __str__(self) -> str:
        return f"metadata for prompt {self.prompt_id}"
