"""A user's rating of one of their answers: thumbs up (1) or down (-1), with an optional comment."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PromptFeedback(models.Model):
    class Rating(models.IntegerChoices):
        UP = 1
        DOWN = -1

    prompt = models.OneToOneField("prompts.Prompt", on_delete=models.CASCADE, related_name="feedback")
    # Denormalised owner: the semantic cache excludes the user's down-rated answers without a join.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.SmallIntegerField(choices=Rating.choices)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "prompts"
        indexes = [models.Index(fields=["user", "rating"], name="feedback_user_rating")]

    def __str__(self) -> str:
        return f"{self.rating:+d} on prompt {self.prompt_id}"
