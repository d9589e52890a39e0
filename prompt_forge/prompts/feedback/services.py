"""Writes of feedback: rate one of your answers, or take the rating back."""

from django.utils import timezone

from .. import selectors
from .models import PromptFeedback

COMMENT_MAX = 2000


def feedback_set(*, user_id: int, prompt_id: int, rating: int, comment: str = "") -> PromptFeedback | None:
    """Rate the user's own prompt (replacing an earlier rating); None when it is not theirs.
    A down-rated answer is never served from the semantic cache again (selectors.semantic_cache_lookup)."""
    prompt = selectors.prompt_get(user_id=user_id, prompt_id=prompt_id)
    if prompt is None:
        return None
    feedback, _ = PromptFeedback.objects.update_or_create(
        prompt=prompt,
        defaults={"user_id": user_id, "rating": rating, "comment": comment, "updated_at": timezone.now()},
    )
    return feedback


def feedback_clear(*, user_id: int, prompt_id: int) -> bool:
    """Remove the user's rating of their prompt; False when there is none (or the prompt is not theirs)."""
    if not 0 < prompt_id <= selectors.MAX_ID:
        return False
    deleted, _ = PromptFeedback.objects.filter(user_id=user_id, prompt_id=prompt_id).delete()
    return bool(deleted)
